import { Public } from './public.decorator';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { toOrganizationSummaryResponse } from '../organizations/dto/organization-summary.response';
import { toUserResponse } from '../users/dto/user.response';
import { User } from '../users/user.entity';
import { AuthService, ClientInfo, IssuedSession } from './auth.service';
import { AuthenticatedUser, Client } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { RegisterResponse, SessionResponse } from './dto/session.response';
import { LocalAuthGuard } from './local-auth.guard';

@ApiTags('auth')
@Public()
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
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
  async login(@AuthenticatedUser() user: User, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.auth.login(user, client));
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
