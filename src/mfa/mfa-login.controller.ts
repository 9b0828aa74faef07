import { Body, Controller } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { Client } from '../common/request/decorators';
import type { ClientInfo } from '../common/request/principal';
import { SessionResponse, toSessionResponse } from '../sessions/dto/session.response';
import { MfaLoginDto, MfaTokenDto, PasskeyOptionsResponse } from './dto/mfa-login.dto';
import { MfaLoginService } from './mfa-login.service';
import { SignInStep } from './sign-in-step.decorator';

@ApiTags('auth')
@Controller('api/v1/login/mfa')
export class MfaLoginController {
  constructor(private readonly login: MfaLoginService) {}

  @SignInStep()
  @ApiOperation({
    summary: 'Finish a sign-in with the second factor',
    description:
      'The mfa_token of the 401 mfa_required answer to POST /login, with exactly one of: `code` (TOTP), `recovery_code` (single use) or `passkey` (after POST /login/mfa/passkey-options). A TOTP code is accepted once. Wrong answers count toward the login throttle of the account and client address; the mfa_token dies after 5 of them, after 5 minutes, and once used.',
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429, 503], {
    400: 'The body is invalid, it does not give exactly one of code, recovery_code and passkey, or it gives a passkey before POST /login/mfa/passkey-options (invalid_request)',
    401: 'The mfa_token is unknown, used, expired or dead after 5 wrong answers (unauthorized: sign in with the password again); or the answer is wrong or already used (invalid_credentials)',
    429: 'Too many failures for this account from this client address, or the account is delayed (rate_limited, with Retry-After)',
  })
  async finishMfaLogin(@Body() body: MfaLoginDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(
      await this.login.finish(
        { mfaToken: body.mfa_token, code: body.code, recoveryCode: body.recovery_code, passkey: body.passkey },
        client,
      ),
    );
  }

  @SignInStep('passkey-options', { noStore: false })
  @ApiOperation({
    summary: 'Passkey options for the second factor',
    description:
      "Authentication options limited to the user's passkeys, for answering the mfa_token with `passkey` at POST /login/mfa.",
  })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429], {
    400: 'The body is invalid, or the account has no passkey (invalid_request)',
    401: 'The mfa_token is unknown, used, expired or dead (unauthorized)',
  })
  async mfaPasskeyOptions(@Body() body: MfaTokenDto): Promise<PasskeyOptionsResponse> {
    return { options: await this.login.passkeyOptions(body.mfa_token) };
  }
}
