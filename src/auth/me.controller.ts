import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { toUserResponse } from '../users/dto/user.response';
import { toSessionResponse } from './auth.controller';
import type { ClientInfo } from './auth.service';
import { AuthService } from './auth.service';
import { Client, CurrentPrincipal } from './current-user.decorator';
import { DeletedResponse, MeResponse, SessionList, toMeResponse, toSessionResponseItem, UserEnvelope } from './dto/me.responses';
import { SessionResponse } from './dto/session.response';
import { SwitchOrganizationDto, UpdateMeDto } from './dto/token-lifecycle.dto';
import { MeService } from './me.service';
import { NeedsProfile } from './public.decorator';
import type { Principal } from './principal';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller, the organization of the access token and every organization of the caller' })
  @ApiOkResponse({ type: MeResponse })
  @ApiErrors([401])
  @NeedsProfile()
  async get(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return toMeResponse(await this.me.getProfile(principal));
  }

  @Patch()
  @ApiOperation({ summary: "Change the caller's name" })
  @ApiOkResponse({ type: UserEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403], { 403: 'The caller is read_only (forbidden)' })
  async update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateMeDto): Promise<UserEnvelope> {
    return { user: toUserResponse(await this.me.rename(principal, body.name)) };
  }

  @Post('switch-organization')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Scope a new token pair to another organization of the caller',
    description:
      "Rotates the caller's refresh token (it must be the newest of the bearer token's session) and remembers the organization for the next login.",
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 403], {
    401: 'Bearer token invalid, or the refresh token is not the newest of this session (unauthorized); an already-rotated one revokes the session (refresh_token_reused)',
    403: 'The caller is not a member of the organization, or it was deleted (forbidden)',
  })
  async switchOrganization(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SwitchOrganizationDto,
    @Client() client: ClientInfo,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.auth.switchOrganization(principal, body.organization_id, body.refresh_token, client));
  }

  @Get('sessions')
  @ApiOperation({ summary: "The caller's live sessions (one per sign-in)" })
  @ApiOkResponse({ type: SessionList })
  @ApiErrors([401])
  async listSessions(@CurrentPrincipal() principal: Principal): Promise<SessionList> {
    return { sessions: (await this.me.listSessions(principal)).map(toSessionResponseItem) };
  }

  @Delete('sessions/:id')
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions; its tokens stop working at once' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 404], { 404: 'No live session of the caller has this id (not_found); also for a malformed id' })
  async deleteSession(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeletedResponse> {
    await this.me.deleteSession(principal, id);
    return { deleted: true };
  }
}
