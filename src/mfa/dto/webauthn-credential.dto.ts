import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** base64url as @simplewebauthn/browser and PublicKeyCredential.toJSON() write it (padding tolerated). */
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
// Generous bounds that cap the work on garbage: a credential id is at most 1023 bytes, a
// "none" attestation a few hundred; BODY_LIMIT bounds the whole body anyway.
const ID_MAX = 1400;
const BLOB_MAX = 16_384;

const Base64url = (description: string, max = BLOB_MAX): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ description: `${description} (base64url)` }),
    IsString(),
    IsNotEmpty(),
    MaxLength(max),
    Matches(BASE64URL, { message: '$property must be base64url' }),
  );

const ATTACHMENTS = ['platform', 'cross-platform'] as const;

export class AttestationResponseDto {
  @Base64url('The client data the browser signed')
  clientDataJSON!: string;

  @Base64url('The attestation object: authenticator data and the new public key')
  attestationObject!: string;

  @ApiPropertyOptional({ description: 'Authenticator data (base64url); informational' })
  @IsOptional()
  @IsString()
  @MaxLength(BLOB_MAX)
  authenticatorData?: string;

  @ApiPropertyOptional({ type: [String], description: 'How the authenticator can be reached (internal, usb, hybrid, …)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  transports?: string[];

  @ApiPropertyOptional({ description: 'COSE algorithm of the public key; informational' })
  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional({ description: 'The public key, SPKI (base64url); informational' })
  @IsOptional()
  @IsString()
  @MaxLength(BLOB_MAX)
  publicKey?: string;
}

export class AssertionResponseDto {
  @Base64url('The client data the browser signed')
  clientDataJSON!: string;

  @Base64url('Authenticator data: RP id hash, flags, sign counter')
  authenticatorData!: string;

  @Base64url('The signature over the authenticator data and the client data hash')
  signature!: string;

  @ApiPropertyOptional({ description: 'The user handle of a discoverable passkey (base64url)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  userHandle?: string;
}

/** Fields both credential shapes share. */
abstract class CredentialJsonDto {
  @Base64url('The credential id', ID_MAX)
  id!: string;

  @Base64url('The credential id again', ID_MAX)
  rawId!: string;

  @ApiProperty({ enum: ['public-key'] })
  @IsIn(['public-key'])
  type!: 'public-key';

  @ApiPropertyOptional({ enum: ATTACHMENTS })
  @IsOptional()
  @IsIn(ATTACHMENTS)
  authenticatorAttachment?: (typeof ATTACHMENTS)[number];

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Client extension results ({} when none)' })
  @IsObject()
  clientExtensionResults!: Record<string, unknown>;
}

/** @simplewebauthn/browser's RegistrationResponseJSON: what startRegistration() or credential.toJSON() answers. */
export class RegistrationCredentialDto extends CredentialJsonDto {
  @ApiProperty({ type: AttestationResponseDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  response!: AttestationResponseDto;
}

/** @simplewebauthn/browser's AuthenticationResponseJSON: what startAuthentication() or credential.toJSON() answers. */
export class AuthenticationCredentialDto extends CredentialJsonDto {
  @ApiProperty({ type: AssertionResponseDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AssertionResponseDto)
  response!: AssertionResponseDto;
}
