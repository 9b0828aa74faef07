import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { NoStore } from '../common/http/no-store';
import { Client, CurrentPrincipal, Public } from '../common/request/decorators';
import type { ClientInfo, Principal } from '../common/request/principal';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { RefreshTokenDto, SwitchOrganizationDto } from './dto/refresh-token.dto';
import { SessionResponse, toSessionResponse } from './dto/session.response';
import { LoggedOutResponse, SessionList, toSessionResponseItem } from './dto/session-list.response';
import { RefreshTokenRotationService } from './refresh-token-rotation.service';
import { SessionsService } from './sessions.service';

@Controller('api/v1')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly rotation: RefreshTokenRotationService,
  ) {}

  @Post('refresh-token')
  @Public()
  @NoStore()
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('refresh')
  @ApiTags('auth')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Single use: the presented token dies and a new one is issued. An already-rotated token revokes its whole session (refresh_token_reused).',
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429], {
    401: 'Invalid, expired or revoked refresh token (unauthorized; also a token rotated less than REFRESH_REUSE_GRACE_SECONDS ago), or an already-rotated one (refresh_token_reused: the session is revoked)',
  })
  async refreshToken(@Body() body: RefreshTokenDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.rotation.refresh(body.refresh_token, client));
  }

  @Post('logout')
  @HttpCode(200)
  @ApiTags('auth')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke the caller's session", description: 'Every token of the session stops working at once.' })
  @ApiOkResponse({ type: LoggedOutResponse })
  @ApiErrors([401])
  async logout(@CurrentPrincipal() principal: Principal): Promise<LoggedOutResponse> {
    await this.sessions.logout(principal);
    return { logged_out: true };
  }

  @Post('me/switch-organization')
  @NoStore()
  @HttpCode(200)
  @ApiTags('me')
  @ApiBearerAuth()
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
    return toSessionResponse(await this.rotation.switchOrganization(principal, body.organization_id, body.refresh_token, client));
  }

  @Get('me/sessions')
  @ApiTags('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's live sessions (one per sign-in)" })
  @ApiOkResponse({ type: SessionList })
  @ApiErrors([401])
  async listSessions(@CurrentPrincipal() principal: Principal): Promise<SessionList> {
    return { sessions: (await this.sessions.listSessions(principal)).map(toSessionResponseItem) };
  }

  @Delete('me/sessions/:id')
  @ApiTags('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions; its tokens stop working at once' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 404], { 404: 'No live session of the caller has this id (not_found); also for a malformed id' })
  async deleteSession(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeletedResponse> {
    await this.sessions.deleteSession(principal, id);
    return DELETED;
  }
}
