import { Public } from './public.decorator';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { toOrganizationSummaryResponse } from '../organizations/dto/organization-summary.response';
import { toUserResponse } from '../users/dto/user.response';
import { AuthService, ClientInfo, IssuedSession } from './auth.service';
import { AuthenticatedUser, Client, CurrentPrincipal } from './current-user.decorator';
import { LoggedOutResponse } from './dto/me.responses';
import { RefreshTokenDto } from './dto/token-lifecycle.dto';
import type { Principal } from './principal';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { RegisterResponse, SessionResponse } from './dto/session.response';
import { LocalAuthGuard } from './local-auth.guard';
import type { ProfileView } from './profiles.repository';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('register')
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Creates the user (system role admin), an initial organization named after the user and the owner membership. No tokens.',
  })
  @ApiOkResponse({ type: RegisterResponse })
  @ApiErrors([...BODY_ERRORS, 409, 429], { 409: 'An account with this email already exists (email_taken)' })
  async register(@Body() body: RegisterDto): Promise<RegisterResponse> {
    const user = await this.auth.register({ name: body.name, email: body.username, password: body.password });
    return { user: toUserResponse(user) };
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard, LocalAuthGuard)
  @RateLimit('login')
  @ApiOperation({
    summary: 'Sign in',
    description:
      "Validates credentials and returns a session scoped to the caller's current organization, along with a list of all accessible organizations.",
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 404, 429], {
    429: 'Too many attempts from this IP, or the account is locked out after failed logins (rate_limited, with Retry-After)',
    401: 'Invalid credentials (invalid_credentials)',
    404: 'Account not found (account_not_found); 401 invalid_credentials instead when LOGIN_HIDE_UNKNOWN_ACCOUNTS=true',
  })
  async login(@AuthenticatedUser() account: ProfileView, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.auth.login(account, client));
  }

  @Post('refresh-token')
  @Public()
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('refresh')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Single use: the presented token dies and a new one is issued. An already-rotated token revokes its whole session (refresh_token_reused).',
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429], {
    401: 'Invalid, expired or revoked refresh token (unauthorized; also a token rotated less than REFRESH_REUSE_GRACE_SECONDS ago), or an already-rotated one (refresh_token_reused: the session is revoked)',
  })
  async refresh(@Body() body: RefreshTokenDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.auth.refresh(body.refresh_token, client));
  }

  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke the caller's session", description: 'Every token of the session stops working at once.' })
  @ApiOkResponse({ type: LoggedOutResponse })
  @ApiErrors([401])
  async logout(@CurrentPrincipal() principal: Principal): Promise<LoggedOutResponse> {
    await this.auth.logout(principal);
    return { logged_out: true };
  }
}

export function toSessionResponse(session: IssuedSession): SessionResponse {
  return {
    token: session.token,
    refresh_token: session.refreshToken,
    user: toUserResponse(session.user),
    current_organization: session.currentOrganization ? toOrganizationSummaryResponse(session.currentOrganization) : null,
    organizations: session.organizations.map(toOrganizationSummaryResponse),
  };
}
