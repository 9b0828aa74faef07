import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { NoStore } from '../common/http/no-store';
import { Client, CurrentPrincipal } from '../common/request/decorators';
import type { ClientInfo, Principal } from '../common/request/principal';
import {
  ConfirmTotpDto,
  MfaPasswordDto,
  RecoveryCodesResponse,
  TotpEnabledResponse,
  TotpEnrolmentResponse,
} from './dto/totp.dto';
import { TotpEnrolmentService } from './totp-enrolment.service';

const PASSWORD_ERRORS = {
  401: 'Not authenticated, or the password is wrong (invalid_credentials)',
  409: 'TOTP is not on (conflict)',
  429: 'Too many wrong passwords: the login throttle of the account and client address (rate_limited, with Retry-After)',
  503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
};

@ApiTags('mfa')
@ApiBearerAuth()
@Controller('api/v1/me/mfa')
export class MfaController {
  constructor(private readonly enrolment: TotpEnrolmentService) {}

  @Post('totp')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({
    summary: 'Start a TOTP enrolment',
    description:
      'A new secret for an authenticator app, pending until POST /me/mfa/totp/confirm; a new call replaces a pending secret. The secret is stored encrypted (DATA_ENCRYPTION_KEY).',
  })
  @ApiOkResponse({ type: TotpEnrolmentResponse })
  @ApiErrors([401, 409], { 409: 'TOTP is already on: turn it off first (conflict)' })
  async enrolTotp(@CurrentPrincipal() principal: Principal): Promise<TotpEnrolmentResponse> {
    const pending = await this.enrolment.enrol(principal);
    return { secret: pending.secret, otpauth_url: pending.otpauthUrl };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({
    summary: 'Turn TOTP on with a first code',
    description:
      'The current code of the pending secret turns TOTP on: from now on a password sign-in answers 401 mfa_required. Answers 10 single-use recovery codes, shown this once.',
  })
  @ApiOkResponse({ type: TotpEnabledResponse })
  @ApiErrors([...BODY_ERRORS, 401, 409], {
    400: 'The body is invalid, or the code is not the pending secret’s current code (invalid_request; details.fields names code)',
    409: 'No enrolment is pending (conflict)',
  })
  async confirmTotp(@CurrentPrincipal() principal: Principal, @Body() body: ConfirmTotpDto): Promise<TotpEnabledResponse> {
    return { enabled: true, recovery_codes: await this.enrolment.confirm(principal, body.code) };
  }

  @Delete('totp')
  @ApiOperation({
    summary: 'Turn TOTP off',
    description:
      'Needs the password (wrong ones count toward the login throttle). The secret and the recovery codes are deleted, and every other session of the caller is revoked.',
  })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([...BODY_ERRORS, 401, 409, 429, 503], PASSWORD_ERRORS)
  async disableTotp(
    @CurrentPrincipal() principal: Principal,
    @Body() body: MfaPasswordDto,
    @Client() client: ClientInfo,
  ): Promise<DeletedResponse> {
    await this.enrolment.disable(principal, body.password, client.ip);
    return DELETED;
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({
    summary: 'Issue a new set of recovery codes',
    description:
      'Needs the password (wrong ones count toward the login throttle). Ten new codes replace every earlier one, and every other session of the caller is revoked.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiErrors([...BODY_ERRORS, 401, 409, 429, 503], PASSWORD_ERRORS)
  async renewRecoveryCodes(
    @CurrentPrincipal() principal: Principal,
    @Body() body: MfaPasswordDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponse> {
    return { recovery_codes: await this.enrolment.renewRecoveryCodes(principal, body.password, client.ip) };
  }
}
