import { randomUUID } from 'node:crypto';

import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

import { PasskeysUnavailableError } from './mfa.errors';
import type { Passkey } from './passkey.entity';
import { PasskeyAssertions } from './passkey-assertions';
import type { PasskeysRepository } from './passkeys.repository';
import type { WebauthnChallenges } from './webauthn-challenges.service';
import type { AssertionUse, WebauthnRelyingParty } from './webauthn-relying-party';

const OWNER = randomUUID();
const STRANGER = randomUUID();
const handleOf = (userId: string) => Buffer.from(userId).toString('base64url');

const PASSKEY = { id: randomUUID(), userId: OWNER, credentialId: 'cred-1', counter: 7, transports: [] } as unknown as Passkey;

const answer = (overrides: Partial<AuthenticationResponseJSON['response']> = {}): AuthenticationResponseJSON => ({
  id: 'cred-1',
  rawId: 'cred-1',
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA', userHandle: handleOf(OWNER), ...overrides },
});

/** PasskeyAssertions over fakes: one stored passkey, challenges that are live once, a relying party that says `use`. */
function assertionsWith({ use = { counter: 8, backedUp: false }, counterWritten = true } = {}) {
  const live = new Set<string>();
  const recordUse = jest.fn((_id: string, _expected: number, _use: AssertionUse) => Promise.resolve(counterWritten));
  const verifyAssertion = jest.fn(() => Promise.resolve(use as AssertionUse | null));
  const findByCredentialId = jest.fn((id: string) => Promise.resolve(id === PASSKEY.credentialId ? PASSKEY : null));
  const passkeys = {
    findByCredentialId,
    findByUser: (userId: string) => Promise.resolve(userId === OWNER ? [PASSKEY] : []),
    countByUser: (userId: string) => Promise.resolve(userId === OWNER ? 1 : 0),
    recordUse,
  } as unknown as PasskeysRepository;
  const challenges = {
    issueToken: (purpose: string, userId: string | null) => {
      const token = `${purpose}:${userId ?? 'nobody'}:${randomUUID()}`;
      live.add(token);
      return Promise.resolve(token);
    },
    // Like the one UPDATE: only a live challenge of this purpose and user is used up.
    consume: (token: string, purpose: string, userId: string | null) => {
      const matches = live.has(token) && token.startsWith(`${purpose}:${userId ?? 'nobody'}:`);
      if (matches) live.delete(token);
      return Promise.resolve(matches ? 'challenge' : null);
    },
  } as unknown as WebauthnChallenges;
  const relyingParty = {
    authenticationOptions: (allow: Passkey[], userVerification: string) =>
      Promise.resolve({ challenge: 'challenge', allowCredentials: allow.map((p) => ({ id: p.credentialId })), userVerification }),
    verifyAssertion,
  } as unknown as WebauthnRelyingParty;
  return {
    assertions: new PasskeyAssertions(passkeys, challenges, relyingParty),
    recordUse,
    verifyAssertion,
    findByCredentialId,
  };
}

describe('PasskeyAssertions', () => {
  it('identifies the passkey of a passwordless answer, asks for user verification, and records the new counter over the old', async () => {
    const { assertions, recordUse, verifyAssertion } = assertionsWith();
    const { challengeToken } = await assertions.passwordlessOptions();
    await expect(assertions.identify(challengeToken, answer())).resolves.toEqual({ ok: true, passkey: PASSKEY });
    expect(verifyAssertion).toHaveBeenCalledWith(expect.anything(), 'challenge', PASSKEY, true);
    expect(recordUse).toHaveBeenCalledWith(PASSKEY.id, 7, { counter: 8, backedUp: false });
  });

  it('accepts a challenge once', async () => {
    const { assertions } = assertionsWith();
    const { challengeToken } = await assertions.passwordlessOptions();
    await assertions.identify(challengeToken, answer());
    await expect(assertions.identify(challengeToken, answer())).resolves.toMatchObject({ ok: false, reason: 'challenge' });
  });

  it('refuses an answer whose user handle names someone else, without checking its signature', async () => {
    const { assertions, verifyAssertion } = assertionsWith();
    const { challengeToken } = await assertions.passwordlessOptions();
    await expect(assertions.identify(challengeToken, answer({ userHandle: handleOf(STRANGER) }))).resolves.toEqual({
      ok: false,
      reason: 'user_handle',
      userId: OWNER,
    });
    expect(verifyAssertion).not.toHaveBeenCalled();
  });

  it('refuses when another sign-in wrote the counter first (two answers with one counter value)', async () => {
    const { assertions } = assertionsWith({ counterWritten: false });
    const { challengeToken } = await assertions.passwordlessOptions();
    await expect(assertions.identify(challengeToken, answer())).resolves.toMatchObject({ ok: false, reason: 'counter_race' });
  });

  it('refuses an answer that does not verify, and does not record a use', async () => {
    const { assertions, recordUse } = assertionsWith({ use: null as unknown as AssertionUse });
    const { challengeToken } = await assertions.passwordlessOptions();
    await expect(assertions.identify(challengeToken, answer())).resolves.toMatchObject({ ok: false, reason: 'verification' });
    expect(recordUse).not.toHaveBeenCalled();
  });

  it('looks up nothing for an answer without an id (a caller that skipped the DTO)', async () => {
    const { assertions, findByCredentialId } = assertionsWith();
    const { challengeToken } = await assertions.passwordlessOptions();
    const withoutId = { ...answer(), id: undefined } as unknown as AuthenticationResponseJSON;
    await expect(assertions.identify(challengeToken, withoutId)).resolves.toMatchObject({ ok: false, reason: 'unknown_passkey' });
    expect(findByCredentialId).not.toHaveBeenCalled();
  });

  describe('as the second factor', () => {
    it("offers the user's passkeys only, presence preferred, and accepts their answer to the user's own challenge", async () => {
      const { assertions, verifyAssertion } = assertionsWith();
      const { options, challengeToken } = await assertions.options(OWNER);
      expect(options).toMatchObject({ allowCredentials: [{ id: 'cred-1' }], userVerification: 'preferred' });
      await expect(assertions.verify(OWNER, challengeToken, answer())).resolves.toBe(true);
      expect(verifyAssertion).toHaveBeenCalledWith(expect.anything(), 'challenge', PASSKEY, false);
    });

    it("refuses the owner's passkey against another user's challenge, and a passwordless challenge", async () => {
      const { assertions } = assertionsWith();
      const strangers = await assertions.options(OWNER);
      await expect(assertions.verify(STRANGER, strangers.challengeToken, answer())).resolves.toBe(false);
      const passwordless = await assertions.passwordlessOptions();
      await expect(assertions.verify(OWNER, passwordless.challengeToken, answer())).resolves.toBe(false);
    });

    it('answers 400 for options of a user without passkeys (an empty list would offer anyone’s)', async () => {
      const { assertions } = assertionsWith();
      await expect(assertions.options(STRANGER)).rejects.toBeInstanceOf(PasskeysUnavailableError);
      await expect(assertions.count(OWNER)).resolves.toBe(1);
    });
  });
});
