import { ApiProperty } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

import { Trim } from '../../common/http/validators';
import { AuthenticationCredentialDto } from './webauthn-credential.dto';

export class MfaTokenDto {
  @ApiProperty({ description: 'The mfa_token of the 401 mfa_required answer to POST /login.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  mfa_token!: string;
}

/** The mfa_token and exactly one answer: a TOTP code, a recovery code or a passkey assertion. */
export class MfaLoginDto extends MfaTokenDto {
  @ApiProperty({ required: false, description: 'The current 6-digit code of the authenticator app.', example: '123456' })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiProperty({ required: false, description: 'One of the unused recovery codes (case, spaces and dashes do not matter).' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  recovery_code?: string;

  @ApiProperty({
    required: false,
    type: AuthenticationCredentialDto,
    description:
      'An AuthenticationResponseJSON (@simplewebauthn/browser startAuthentication, or PublicKeyCredential.toJSON()) answering the options of POST /login/mfa/passkey-options.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  passkey?: AuthenticationCredentialDto;
}

export class PasskeyOptionsResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "PublicKeyCredentialRequestOptionsJSON limited to the user's passkeys, for @simplewebauthn/browser startAuthentication.",
  })
  options!: PublicKeyCredentialRequestOptionsJSON;
}

export class MfaRequiredDetailsResponse {
  @ApiProperty({
    description: 'Trade it at POST /api/v1/login/mfa within 5 minutes; single use, and dead after 5 wrong codes.',
  })
  mfa_token!: string;

  @ApiProperty({
    enum: ['totp', 'recovery_code', 'passkey'],
    isArray: true,
    description: 'The answers this account can give: totp and recovery_code, and passkey when the user has one.',
    example: ['totp', 'recovery_code'],
  })
  methods!: string[];
}

/** The 401 of a right password when the account has a second factor (old clients fail safe: no tokens). */
export class MfaRequiredErrorResponse {
  @ApiProperty({ enum: ['mfa_required'], example: 'mfa_required' })
  code!: 'mfa_required';

  @ApiProperty({ example: 'A second factor is required to finish signing in' })
  message!: string;

  @ApiProperty({ type: MfaRequiredDetailsResponse })
  details!: MfaRequiredDetailsResponse;
}
