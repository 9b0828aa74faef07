import { ApiProperty } from '@nestjs/swagger';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

import type { Passkey } from '../passkey.entity';

export class PasskeyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last sign-in with it; null before the first.' })
  last_used_at!: string | null;
}

export class PasskeyEnvelope {
  @ApiProperty({ type: PasskeyResponse })
  passkey!: PasskeyResponse;
}

export class PasskeyList {
  @ApiProperty({ type: [PasskeyResponse], description: 'Oldest first.' })
  passkeys!: PasskeyResponse[];
}

export class PasskeyCreationOptionsResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "PublicKeyCredentialCreationOptionsJSON (@simplewebauthn/browser): hand it to startRegistration({optionsJSON}) or PublicKeyCredential.parseCreationOptionsFromJSON(). Its challenge works once, for 5 minutes; the caller's passkeys are in excludeCredentials.",
  })
  options!: PublicKeyCredentialCreationOptionsJSON;
}

export class PasskeySignInOptionsResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'PublicKeyCredentialRequestOptionsJSON (@simplewebauthn/browser): hand it to startAuthentication({optionsJSON}) or PublicKeyCredential.parseRequestOptionsFromJSON(). No allowCredentials (the browser offers the passkeys it holds for this site); userVerification "required".',
  })
  options!: PublicKeyCredentialRequestOptionsJSON;

  @ApiProperty({ description: 'Send it back with the credential to POST /login/passkey: single use, 5 minutes.' })
  challenge_token!: string;
}

export function toPasskeyResponse(passkey: Passkey): PasskeyResponse {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: passkey.createdAt.toISOString(),
    last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
  };
}
