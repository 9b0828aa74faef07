import { Body, Controller } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { Client } from '../common/request/decorators';
import type { ClientInfo } from '../common/request/principal';
import { SessionResponse, toSessionResponse } from '../sessions/dto/session.response';
import { PasskeySignInDto } from './dto/passkey.dto';
import { PasskeySignInOptionsResponse } from './dto/passkey.response';
import { PasskeySignInService } from './passkey-sign-in.service';
import { SignInStep } from './sign-in-step.decorator';

/** Passwordless sign-in; both steps count against the per-IP login limit (RATE_LIMIT_LOGIN). */
@ApiTags('auth')
@Controller('api/v1/login/passkey')
export class PasskeyLoginController {
  constructor(private readonly signIn: PasskeySignInService) {}

  @SignInStep('options')
  @ApiOperation({
    summary: 'Start a passwordless sign-in with a passkey',
    description:
      'Request options for navigator.credentials.get() (any passkey of this site, user verification required) and the challenge token to send back. The body is {} (ignored).',
  })
  @ApiOkResponse({ type: PasskeySignInOptionsResponse })
  @ApiErrors([429])
  async passkeySignInOptions(): Promise<PasskeySignInOptionsResponse> {
    const { options, challengeToken } = await this.signIn.options();
    return { options, challenge_token: challengeToken };
  }

  @SignInStep()
  @ApiOperation({
    summary: 'Sign in with a passkey',
    description:
      "Verifies the browser's answer (signature, origin, RP id, user verification, a sign counter that grew) to the challenge of challenge_token (single use, 5 minutes) and answers like POST /login. No second factor is asked.",
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors([...BODY_ERRORS, 401, 403, 429], {
    401: 'The challenge token is unknown, used or expired, or the passkey was not accepted (invalid_credentials): a replayed answer is refused',
    403: 'REQUIRE_VERIFIED_EMAIL=true and the account is not verified (email_not_verified)',
  })
  async passkeySignIn(@Body() body: PasskeySignInDto, @Client() client: ClientInfo): Promise<SessionResponse> {
    return toSessionResponse(await this.signIn.signIn(body.challenge_token, body.credential, client));
  }
}
