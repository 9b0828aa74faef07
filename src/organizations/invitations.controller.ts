import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { CurrentPrincipal } from '../common/request/decorators';
import { Public } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { AcceptInvitationDto, CreateInvitationDto, DEFAULT_INVITATION_HOURS } from './dto/invitation.dto';
import {
  AcceptedInvitationResponse,
  CreatedInvitationResponse,
  InvitationList,
  toInvitationResponse,
} from './dto/invitation.response';
import { toMemberResponse } from './dto/member.response';
import { InvitationAcceptanceService } from './invitation-acceptance.service';
import { InvitationsService } from './invitations.service';

const SCOPE = 'Scope: the organization of the access token.';

@ApiTags('invitations')
@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly acceptance: InvitationAcceptanceService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Invite someone by email',
    description: `Needs members.invite; inviting as owner needs an owner. The accept token is answered once and never again. ${SCOPE}`,
  })
  @ApiOkResponse({ type: CreatedInvitationResponse })
  @ApiErrors([...BODY_ERRORS, 401, 403, 409], {
    400: 'Invalid body, or role_id names no role of this organization (invalid_request)',
    403: 'No members.invite, owner role by a non-owner, a permission the caller does not hold, ORG_MAX_MEMBERS reached, or read_only (forbidden)',
    409: 'A pending invitation for this email exists (invitation_exists), or the email is a member already (already_member)',
  })
  async createInvitation(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateInvitationDto,
  ): Promise<CreatedInvitationResponse> {
    const issued = await this.invitations.createInvitation(principal, {
      email: body.email,
      roleId: body.role_id,
      expiresInHours: body.expires_in_hours ?? DEFAULT_INVITATION_HOURS,
    });
    return { invitation: toInvitationResponse(issued.invitation), accept_token: issued.acceptToken };
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'List invitations',
    description: `Pending, accepted and expired; never a token. Needs members.read. ${SCOPE}`,
  })
  @ApiOkResponse({ type: InvitationList })
  @ApiErrors([401, 403], { 403: 'No organization in the token, not a member any more, or no members.read (forbidden)' })
  async listInvitations(@CurrentPrincipal() principal: Principal): Promise<InvitationList> {
    return { invitations: (await this.invitations.listInvitations(principal)).map(toInvitationResponse) };
  }

  @Post('accept')
  @Public()
  @UseGuards(IpRateLimitGuard)
  @RateLimit('accept_invitation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation',
    description:
      'No bearer token: the accept token is the credential. Creates the account when the email has none (name and password required; the account starts with a verified email and system role admin), then the membership, in one transaction.',
  })
  @ApiOkResponse({ type: AcceptedInvitationResponse })
  @ApiErrors([...BODY_ERRORS, 401, 409, 429], {
    400: 'Invalid body, name or password missing for a new account (invalid_request), or the invitation expired (invitation_expired)',
    401: 'Unknown, revoked or already used token (unauthorized)',
    409: 'The account is a member already (already_member)',
  })
  async acceptInvitation(@Body() body: AcceptInvitationDto): Promise<AcceptedInvitationResponse> {
    const member = await this.acceptance.acceptInvitation({ token: body.token, name: body.name, password: body.password });
    return { accepted: true, member: toMemberResponse(member) };
  }

  @Delete(':id')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke an invitation', description: `Needs members.invite; its token stops working. ${SCOPE}` })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 403, 404], {
    403: 'No members.invite, or read_only (forbidden)',
    404: 'No such invitation in this organization, or a malformed id (not_found)',
  })
  async revokeInvitation(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<DeletedResponse> {
    await this.invitations.revokeInvitation(principal, id);
    return DELETED;
  }
}
