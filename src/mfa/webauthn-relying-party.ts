import { Inject, Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Logger } from 'pino';

import { PublicUrl } from '../common/http/public-url';
import { LOGGER } from '../common/logging/logger.module';
import { WebauthnSettings } from '../config/webauthn.settings';
import type { Passkey } from './passkey.entity';
import { PasskeyRejectedError } from './passkeys.errors';
import { CHALLENGE_TTL_SECONDS } from './webauthn-challenges.service';

/** What a verified registration yields: the passkey's row, less its owner and name. */
export interface RegisteredCredential {
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
}

/** What a verified assertion yields. */
export interface AssertionUse {
  counter: number;
  backedUp: boolean;
}

/** The WebAuthn user handle of a user: their id's UTF-8 bytes (no personal data, as the spec asks). */
const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => Uint8Array.from(Buffer.from(userId, 'utf8'));

/**
 * @simplewebauthn/server and its ASN.1 and CBOR libraries load at the first passkey ceremony, not
 * at start: a service whose users have no passkeys keeps their memory (bench:memory).
 */
const webauthn = () => import('@simplewebauthn/server');

/** The user id a user handle names (base64url, as an assertion carries it). */
export const userIdOfHandle = (handle: string): string => Buffer.from(handle, 'base64url').toString('utf8');

/** Library messages quote challenges and ids: long base64url runs are left out of the log. */
const redact = (message: string): string => message.replace(/[A-Za-z0-9_-]{20,}/g, '[redacted]');

/**
 * The relying party, as WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS configure it:
 * ceremony options and their verification by @simplewebauthn/server. It knows no table.
 */
@Injectable()
export class WebauthnRelyingParty {
  constructor(
    private readonly settings: WebauthnSettings,
    private readonly publicUrl: PublicUrl,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** WEBAUTHN_ORIGINS, or, with it and PUBLIC_URL unset, this service's own origin (the port it listens on). */
  private origins(): string[] {
    return this.settings.origins.length > 0 ? this.settings.origins : [new URL(this.publicUrl.base()).origin];
  }

  /**
   * Options for navigator.credentials.create(): a discoverable credential is preferred (so it
   * can sign in without a password), and the user's passkeys are excluded (one per authenticator).
   */
  async registrationOptions(
    user: { id: string; email: string; name: string },
    existing: Passkey[],
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { generateRegistrationOptions } = await webauthn();
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userName: user.email,
      userID: userHandleOf(user.id),
      userDisplayName: user.name,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /** The challenge the browser signed into clientDataJSON; a 400 when it cannot be read. */
  challengeOf(response: RegistrationResponseJSON): string {
    try {
      const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as {
        challenge?: unknown;
      };
      if (typeof clientData.challenge === 'string' && clientData.challenge !== '') return clientData.challenge;
    } catch {
      // Not JSON: refused below.
    }
    throw new PasskeyRejectedError('credential.response.clientDataJSON is not a WebAuthn client data object');
  }

  /**
   * Verifies a registration against its challenge, the origins and the RP id. User presence is
   * required, user verification is not (a security key without a PIN may still serve as a
   * second factor; a passwordless sign-in asks for verification then).
   */
  async verifyRegistration(response: RegistrationResponseJSON, expectedChallenge: string): Promise<RegisteredCredential> {
    const { verifyRegistrationResponse } = await webauthn();
    let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge,
        expectedOrigin: this.origins(),
        expectedRPID: this.settings.rpId,
        requireUserVerification: false,
      });
    } catch (error) {
      this.logRefusal('registration', error);
      throw new PasskeyRejectedError('The passkey could not be verified (origin, RP id, challenge or attestation)');
    }
    if (!result.verified) throw new PasskeyRejectedError('The passkey could not be verified');
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
    };
  }

  /** Options for navigator.credentials.get(): `allow` empty lets the browser offer any passkey of this RP. */
  async authenticationOptions(
    allow: Passkey[],
    userVerification: 'required' | 'preferred',
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { generateAuthenticationOptions } = await webauthn();
    return generateAuthenticationOptions({
      rpID: this.settings.rpId,
      allowCredentials: allow.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      userVerification,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
    });
  }

  /**
   * Verifies an assertion by `passkey` against its challenge, origins, RP id and signature, and
   * that the sign counter grew (unless the authenticator keeps none: 0 both times). Null when it
   * does not verify, whatever the reason: the caller answers one refusal.
   */
  async verifyAssertion(
    response: AuthenticationResponseJSON,
    expectedChallenge: string,
    passkey: Passkey,
    requireUserVerification: boolean,
  ): Promise<AssertionUse | null> {
    const { verifyAuthenticationResponse } = await webauthn();
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: this.origins(),
        expectedRPID: this.settings.rpId,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter },
        requireUserVerification,
      });
      if (!result.verified) return null;
      return { counter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp };
    } catch (error) {
      this.logRefusal('authentication', error);
      return null;
    }
  }

  /** Why a ceremony failed, for the operator (a wrong origin or RP id shows here); never a challenge. */
  private logRefusal(ceremony: string, error: unknown): void {
    const reason = error instanceof Error ? redact(error.message) : 'unknown';
    this.logger.info({ ceremony, reason }, 'webauthn response refused');
  }
}
