import { Injectable } from '@nestjs/common';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

import { PasskeysUnavailableError } from './mfa.errors';
import type { Passkey } from './passkey.entity';
import { PasskeySecondFactor } from './passkey-second-factor';
import { PasskeysRepository } from './passkeys.repository';
import { WebauthnChallenges } from './webauthn-challenges.service';
import { userIdOfHandle, WebauthnRelyingParty } from './webauthn-relying-party';

/** Why an assertion was refused (for the audit trail and metrics, never for the client). */
export type AssertionRefusal = 'challenge' | 'unknown_passkey' | 'user_handle' | 'verification' | 'counter_race';

export type AssertionResult = { ok: true; passkey: Passkey } | { ok: false; reason: AssertionRefusal; userId: string | null };

/**
 * Authentication ceremonies with a passkey: passwordless (any of the RP's passkeys; the passkey
 * tells who signs in) and as a second factor (only the user's own, for the MFA login step). The
 * challenge is used up before anything is checked, so an assertion is accepted at most once.
 */
@Injectable()
export class PasskeyAssertions extends PasskeySecondFactor {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: WebauthnChallenges,
    private readonly relyingParty: WebauthnRelyingParty,
  ) {
    super();
  }

  count(userId: string): Promise<number> {
    return this.passkeys.countByUser(userId);
  }

  /**
   * Second factor: the user's passkeys only (400 when there is none: an empty list would let the
   * browser offer anyone's); user verification preferred (the password was the first factor).
   */
  async options(userId: string): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }> {
    const own = await this.passkeys.findByUser(userId);
    if (own.length === 0) throw new PasskeysUnavailableError();
    const options = await this.relyingParty.authenticationOptions(own, 'preferred');
    const challengeToken = await this.challenges.issueToken('authentication', userId, options.challenge);
    return { options, challengeToken };
  }

  async verify(userId: string, challengeToken: string, response: AuthenticationResponseJSON): Promise<boolean> {
    const challenge = await this.challenges.consume(challengeToken, 'authentication', userId);
    if (challenge === null) return false;
    return (await this.check(response, challenge, { userId, requireUserVerification: false })).ok;
  }

  /**
   * Passwordless: a discoverable passkey of any user, user verification required (the passkey
   * alone signs in, so it must be the person: biometrics or PIN, not mere presence).
   */
  async passwordlessOptions(): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }> {
    const options = await this.relyingParty.authenticationOptions([], 'required');
    const challengeToken = await this.challenges.issueToken('authentication', null, options.challenge);
    return { options, challengeToken };
  }

  /** The passkey that answered a passwordless challenge, or why not. */
  async identify(challengeToken: string, response: AuthenticationResponseJSON): Promise<AssertionResult> {
    const challenge = await this.challenges.consume(challengeToken, 'authentication', null);
    if (challenge === null) return { ok: false, reason: 'challenge', userId: null };
    return this.check(response, challenge, { userId: null, requireUserVerification: true });
  }

  /**
   * Checks the assertion against the stored passkey and records its use. The counter is written
   * only if no other use wrote it meanwhile, so of two assertions with one counter value, one wins.
   */
  private async check(
    response: AuthenticationResponseJSON,
    challenge: string,
    { userId, requireUserVerification }: { userId: string | null; requireUserVerification: boolean },
  ): Promise<AssertionResult> {
    // The DTOs check the shape; this guards a caller that did not (an absent id must match no row).
    if (typeof response.id !== 'string' || typeof response.response !== 'object' || response.response === null) {
      return { ok: false, reason: 'unknown_passkey', userId };
    }
    const passkey = await this.passkeys.findByCredentialId(response.id);
    if (!passkey || (userId !== null && passkey.userId !== userId)) {
      return { ok: false, reason: 'unknown_passkey', userId };
    }
    const handle = response.response.userHandle;
    if (handle && userIdOfHandle(handle) !== passkey.userId) {
      return { ok: false, reason: 'user_handle', userId: passkey.userId };
    }
    const use = await this.relyingParty.verifyAssertion(response, challenge, passkey, requireUserVerification);
    if (!use) return { ok: false, reason: 'verification', userId: passkey.userId };
    if (!(await this.passkeys.recordUse(passkey.id, passkey.counter, use))) {
      return { ok: false, reason: 'counter_race', userId: passkey.userId };
    }
    return { ok: true, passkey };
  }
}
