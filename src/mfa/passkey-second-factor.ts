import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

/**
 * A passkey as the second factor of a password sign-in (POST /api/v1/login/mfa/passkey-options,
 * then POST /api/v1/login/mfa with `passkey`). The MFA login step (TOTP, recovery codes, the
 * mfa_token) asks this seam; the passkeys feature implements it, so the login step does not know
 * how WebAuthn is checked and the passkeys feature does not know about mfa_tokens.
 */
export abstract class PasskeySecondFactor {
  /** How many passkeys the user has (GET /me's `user.mfa.passkeys`; "passkey" is offered when > 0). */
  abstract count(userId: string): Promise<number>;

  /**
   * Authentication options limited to the user's own passkeys, and an opaque single-use
   * challenge token (5 minutes) that the caller keeps and hands back to verify().
   */
  abstract options(userId: string): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }>;

  /**
   * True when the assertion answers the challenge with one of the user's passkeys (signature,
   * origin, RP id, user verification, sign counter); the challenge is used up either way.
   */
  abstract verify(userId: string, challengeToken: string, response: AuthenticationResponseJSON): Promise<boolean>;
}
