import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { RegisterPasskeyDto } from './dto/passkey.dto';
import { PasskeyCreationOptionsResponse, PasskeyEnvelope, PasskeyList, toPasskeyResponse } from './dto/passkey.response';
import { PasskeysService } from './passkeys.service';

const FRESH_401 =
  'Bearer token invalid (unauthorized), or its session was signed in more than WEBAUTHN_FRESH_SIGN_IN ago (sign_in_required; details.fresh_sign_in_seconds): sign in again';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Post('options')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start registering a passkey',
    description:
      'Creation options for navigator.credentials.create(), on a page of one of WEBAUTHN_ORIGINS. Needs a fresh sign-in (WEBAUTHN_FRESH_SIGN_IN).',
  })
  @ApiOkResponse({ type: PasskeyCreationOptionsResponse })
  @ApiErrors([401, 409], { 401: FRESH_401, 409: 'The account has 20 passkeys already (conflict)' })
  async passkeyRegistrationOptions(@CurrentPrincipal() principal: Principal): Promise<PasskeyCreationOptionsResponse> {
    return { options: await this.passkeys.registrationOptions(principal) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register a passkey',
    description:
      "Verifies the browser's answer (origin, RP id, challenge: single use, 5 minutes) and stores the passkey. Needs a fresh sign-in (WEBAUTHN_FRESH_SIGN_IN). Audited (passkey.added); event identity.user.passkey_added.",
  })
  @ApiOkResponse({ type: PasskeyEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 409], {
    400: 'Body invalid, or the credential does not answer a live registration challenge of the caller, or does not verify (invalid_request; details.fields names credential)',
    401: FRESH_401,
    409: 'This passkey is registered already, or the account has 20 (conflict)',
  })
  async registerPasskey(@CurrentPrincipal() principal: Principal, @Body() body: RegisterPasskeyDto): Promise<PasskeyEnvelope> {
    return { passkey: toPasskeyResponse(await this.passkeys.register(principal, body.credential, body.name)) };
  }

  @Get()
  @ApiOperation({ summary: "The caller's passkeys" })
  @ApiOkResponse({ type: PasskeyList })
  @ApiErrors([401])
  async listPasskeys(@CurrentPrincipal() principal: Principal): Promise<PasskeyList> {
    return { passkeys: (await this.passkeys.list(principal.userId)).map(toPasskeyResponse) };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete one of the caller’s passkeys',
    description:
      'Needs a fresh sign-in (WEBAUTHN_FRESH_SIGN_IN), not the password. Audited (passkey.removed); event identity.user.passkey_removed.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 404], {
    401: FRESH_401,
    404: 'The caller has no passkey with this id (not_found); also for another user’s or a malformed id',
  })
  async deletePasskey(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeletedResponse> {
    await this.passkeys.delete(principal, id);
    return DELETED;
  }
}
