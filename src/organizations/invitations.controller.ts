import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { NoStore } from '../common/http/no-store';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { BearerOptional, CurrentPrincipal, OptionalPrincipal } from '../common/request/decorators';
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
  @NoStore()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Invite someone by email',
    description: `Needs members.invite; inviting as owner needs an owner. The invitation email carries the accept token; the answer carries it too (once, never again) while INVITATION_TOKEN_IN_RESPONSE=true. An invitation lives at most 720 hours and dies with its inviter's right to invite. ${SCOPE}`,
  })
  @ApiOkResponse({ type: CreatedInvitationResponse })
  @ApiErrors([...BODY_ERRORS, 401, 403, 409, 429], {
    400: 'Invalid body (expires_in_hours over 720 included), or role_id names no role of this organization (invalid_request)',
    403: 'No members.invite, owner role by a non-owner, a permission the caller does not hold, ORG_MAX_MEMBERS reached, or read_only (forbidden)',
    409: 'A pending invitation for this email exists (invitation_exists), or the email is a member already (already_member)',
    429: 'Too many invitation emails to this address from this organization (INVITATION_EMAIL_LIMIT, default 3 a day; rate_limited, with Retry-After)',
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
    description: `Pending, accepted, expired and revoked (status); never a token. Needs members.read. ${SCOPE}`,
  })
  @ApiOkResponse({ type: InvitationList })
  @ApiErrors([401, 403], { 403: 'No organization in the token, not a member any more, or no members.read (forbidden)' })
  async listInvitations(@CurrentPrincipal() principal: Principal): Promise<InvitationList> {
    return { invitations: (await this.invitations.listInvitations(principal)).map(toInvitationResponse) };
  }

  @Post('accept')
  @BearerOptional()
  @UseGuards(IpRateLimitGuard)
  @RateLimit('accept_invitation')
  @HttpCode(200)
  @ApiOperation({
    // Optional bearer: anonymous (a new account), or the invited account's own access token.
    security: [{}, { bearer: [] }],
    summary: 'Accept an invitation',
    description:
      'When the invited email has an account, only that account accepts: send its access token (Authorization: Bearer). When it has none, no bearer token: name and password create the account (system role admin; its email starts unverified while INVITATION_TOKEN_IN_RESPONSE=true, verified when the token came only by email). Then the membership, in one transaction.',
  })
  @ApiOkResponse({ type: AcceptedInvitationResponse })
  @ApiErrors([...BODY_ERRORS, 401, 403, 409, 429], {
    400: 'Invalid body, name or password missing for a new account (invalid_request), or the invitation expired (invitation_expired)',
    401: 'Unknown, used or revoked token, an invitation whose inviter may no longer invite, or an invalid bearer token (unauthorized); the email has an account and no bearer token was sent (sign_in_required)',
    403: 'Signed in as another account than the invited email (forbidden), or, with REQUIRE_VERIFIED_EMAIL=true, as an unverified one (email_not_verified)',
    409: 'The account is a member already (already_member)',
  })
  async acceptInvitation(
    @Body() body: AcceptInvitationDto,
    @OptionalPrincipal() principal: Principal | undefined,
  ): Promise<AcceptedInvitationResponse> {
    const member = await this.acceptance.acceptInvitation(body.token, { principal, name: body.name, password: body.password });
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
