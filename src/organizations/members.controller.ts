import { Body, Controller, Delete, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { MemberEnvelope, MemberList, toMemberResponse } from './dto/member.response';
import { UpdateMemberDto } from './dto/update-member.dto';
import { MembersService } from './members.service';

const SCOPE = 'Scope: the organization of the access token.';

@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: 'List members', description: `Needs members.read. ${SCOPE}` })
  @ApiOkResponse({ type: MemberList })
  @ApiErrors([401, 403], { 403: 'No organization in the token, not a member any more, or no members.read (forbidden)' })
  async listMembers(@CurrentPrincipal() principal: Principal): Promise<MemberList> {
    return { members: (await this.members.listMembers(principal)).map(toMemberResponse) };
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a member's role",
    description: `Needs members.update; granting or taking away owner needs the caller to be an owner, and a role can only carry permissions the caller holds. ${SCOPE}`,
  })
  @ApiOkResponse({ type: MemberEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403, 404, 409], {
    400: 'Invalid body, or role_id names no role of this organization (invalid_request)',
    403: 'No members.update, owner involved and the caller is not an owner, or read_only (forbidden)',
    404: 'No such member in this organization, or a malformed id (not_found)',
    409: 'The member is the last owner (last_owner)',
  })
  async updateMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberEnvelope> {
    return { member: toMemberResponse(await this.members.changeRole(principal, id, body.role_id)) };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Remove a member, or leave',
    description: `Needs members.remove, except to remove one's own membership (leave). Removing an owner needs an owner. ${SCOPE}`,
  })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 403, 404, 409], {
    403: 'No members.remove, an owner removed by a non-owner, or read_only (forbidden)',
    404: 'No such member in this organization, or a malformed id (not_found)',
    409: 'The member is the last owner (last_owner)',
  })
  async removeMember(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<DeletedResponse> {
    await this.members.removeMember(principal, id);
    return DELETED;
  }
}
