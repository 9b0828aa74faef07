import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';

import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { NoStore } from '../common/http/no-store';
import { Client, Public } from '../common/request/decorators';
import type { ClientInfo } from '../common/request/principal';
import { MfaRequiredErrorResponse } from '../mfa/dto/mfa-login.dto';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { SessionResponse, toSessionResponse } from '../sessions/dto/session.response';
import { AuthenticatedAccount } from './authenticated-account.decorator';
import type { SignInAccount } from './credentials.service';
import { LoginDto } from './dto/login.dto';
import { LocalAuthGuard } from './local-auth.guard';
import { SignInService } from './sign-in.service';

@ApiTags('auth')
@Controller('api/v1')
export class LoginController {
  constructor(private readonly signIns: SignInService) {}

  /**
   * The credentials were checked by LocalAuthGuard (passport-local, CredentialsService); this opens
   * the session, or answers 401 mfa_required for an account with a second factor.
   */
  @Post('login')
  @Public()
  @NoStore()
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
  @ApiExtraModels(MfaRequiredErrorResponse)
  @ApiResponse({
    status: 401,
    description:
      'Invalid credentials (invalid_credentials); or the password was right and the account has a second factor (mfa_required: no tokens, details.mfa_token and details.methods for POST /api/v1/login/mfa)',
    schema: { oneOf: [{ $ref: getSchemaPath(ErrorResponseDto) }, { $ref: getSchemaPath(MfaRequiredErrorResponse) }] },
  })
  @ApiErrors([...BODY_ERRORS, 404, 429, 503], {
    429: 'Too many attempts from this IP; this client address blocked for this account after LOGIN_MAX_FAILURES failures; or the account is delayed after failed logins and this client must wait its turn: retry after Retry-After and it is checked (rate_limited)',
    503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
    404: 'Account not found (account_not_found); 401 invalid_credentials instead when LOGIN_HIDE_UNKNOWN_ACCOUNTS=true',
  })
  async login(@AuthenticatedAccount() account: SignInAccount, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.signIns.signIn(account, client));
  }
}
