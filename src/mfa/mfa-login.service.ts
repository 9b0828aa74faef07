import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

import { AuditService } from '../audit/audit.service';
import { sha256Hex } from '../common/crypto';
import type { ClientInfo } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { ORGANIZATIONS_OF_USER } from '../organizations/organization-scopes.read-model';
import { AttemptOutcome, LoginThrottle } from '../rate-limit/login-throttle';
import { IssuedSession, SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import {
  InvalidMfaTokenError,
  MfaMethod,
  MfaRequiredError,
  NoPasskeyOptionsError,
  OneSecondFactorError,
  WrongSecondFactorError,
} from './mfa.errors';
import { LiveChallenge, MfaChallengesRepository } from './mfa-challenges.repository';
import { PasskeySecondFactor } from './passkey-second-factor';
import { TotpFactors } from './totp-factors.service';

/** An mfa_token lives this long. */
export const MFA_TOKEN_TTL_SECONDS = 300;
/** A finished challenge (a hash, a user id, times) is kept this long, then swept: enough to read an incident's trail beside the audit log. */
export const MFA_CHALLENGE_RETENTION_SECONDS = 86_400;

/** The answer to an mfa_token: exactly one of these. */
export interface SecondFactorAnswer {
  mfaToken: string;
  code?: string;
  recoveryCode?: string;
  passkey?: AuthenticationResponseJSON;
}

type Factor =
  | { kind: 'totp'; code: string }
  | { kind: 'recovery_code'; code: string }
  | { kind: 'passkey'; response: AuthenticationResponseJSON };

/**
 * The second step of a password sign-in. An account with TOTP on gets no tokens for its password:
 * a 401 mfa_required with an mfa_token (5 minutes, single use, dead after 5 wrong codes) that
 * POST /login/mfa trades, with a code, a recovery code or a passkey, for the session. Wrong codes
 * count toward the login throttle of the account (its email) and client address, like wrong passwords.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly challenges: MfaChallengesRepository,
    private readonly totp: TotpFactors,
    private readonly passkeys: PasskeySecondFactor,
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * After the right password: nothing for an account without a second factor; otherwise a new
   * challenge, thrown as 401 mfa_required. `totpEnabled` is TOTP_ENABLED, read with the password
   * hash. (Passkeys alone are a passwordless way in, not a second factor: docs/decisions.md.)
   */
  async requireSecondFactor(user: User, totpEnabled: boolean): Promise<void> {
    if (!totpEnabled) return;
    const mfaToken = randomBytes(32).toString('base64url');
    await this.challenges.insert({
      tokenHash: sha256Hex(mfaToken),
      userId: user.id,
      expiresAt: new Date(Date.now() + MFA_TOKEN_TTL_SECONDS * 1000),
    });
    const methods: MfaMethod[] = ['totp', 'recovery_code'];
    if ((await this.passkeys.count(user.id)) > 0) methods.push('passkey');
    throw new MfaRequiredError({ mfa_token: mfaToken, methods });
  }

  /** POST /login/mfa: the session, once the answer is right; 401 for a dead token, 401 invalid_credentials for a wrong answer. */
  async finish(answer: SecondFactorAnswer, client: ClientInfo): Promise<IssuedSession> {
    const factor = factorOf(answer);
    const tokenHash = sha256Hex(answer.mfaToken);
    const challenge = await this.challenges.findLive(tokenHash);
    if (!challenge) throw new InvalidMfaTokenError();
    const profile = await this.users.findByIdWith(challenge.userId, ORGANIZATIONS_OF_USER);
    if (!profile) throw new InvalidMfaTokenError();
    const email = profile.user.email;
    await this.throttle.attempt(
      { account: email, address: client.ip, action: 'login' },
      () => this.check(tokenHash, factor),
      (lockout) =>
        this.audit.recordBestEffort({
          type: lockout.kind === 'block' ? 'login.blocked' : 'login.delayed',
          actorUserId: lockout.userId,
          details: { email, failures: lockout.failures, lock_seconds: lockout.lockSeconds },
        }),
    );
    return this.sessions.open({ user: profile.user, organizations: profile.also }, client);
  }

  /** POST /login/mfa/passkey-options: options limited to the user's passkeys; the challenge keeps their token. */
  async passkeyOptions(mfaToken: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.challenges.findLive(sha256Hex(mfaToken));
    if (!challenge) throw new InvalidMfaTokenError();
    const { options, challengeToken } = await this.passkeys.options(challenge.userId);
    await this.challenges.setPasskeyChallenge(challenge.id, challengeToken);
    return options;
  }

  /** One batch of the retention sweep: challenges used, or expired unused, more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.challenges.deleteFinishedBefore(ageSeconds, limit);
  }

  /**
   * The answer against the challenge, locked: a right one uses the challenge up, a wrong one
   * counts toward its 5. A challenge that died meanwhile is a 401 that counts toward nothing.
   */
  private check(tokenHash: string, factor: Factor): Promise<AttemptOutcome<void>> {
    return this.tx.run(async () => {
      const challenge = await this.challenges.findLiveForUpdate(tokenHash);
      if (!challenge) throw new InvalidMfaTokenError();
      if (await this.isRight(challenge, factor)) {
        await this.challenges.markUsed(challenge.id);
        return { ok: true, value: undefined };
      }
      await this.challenges.addFailure(challenge.id);
      await this.audit.record({
        type: 'login.failed',
        actorUserId: challenge.userId,
        targetId: challenge.userId,
        details: { reason: `wrong_${factor.kind}` },
      });
      return { ok: false, error: new WrongSecondFactorError(), userId: challenge.userId };
    });
  }

  private async isRight(challenge: LiveChallenge, factor: Factor): Promise<boolean> {
    switch (factor.kind) {
      case 'totp':
        return this.totp.verifyCode(challenge.userId, factor.code);
      case 'recovery_code':
        return this.totp.useRecoveryCode(challenge.userId, factor.code);
      case 'passkey':
        // Options first (POST /login/mfa/passkey-options); their challenge is used up either way.
        if (!challenge.passkeyChallengeToken) throw new NoPasskeyOptionsError();
        return this.passkeys.verify(challenge.userId, challenge.passkeyChallengeToken, factor.response);
    }
  }
}

/** Exactly one of code, recovery_code and passkey; else 400. */
function factorOf(answer: SecondFactorAnswer): Factor {
  const given: Factor[] = [];
  if (answer.code !== undefined) given.push({ kind: 'totp', code: answer.code });
  if (answer.recoveryCode !== undefined) given.push({ kind: 'recovery_code', code: answer.recoveryCode });
  if (answer.passkey !== undefined) given.push({ kind: 'passkey', response: answer.passkey });
  if (given.length !== 1) throw new OneSecondFactorError();
  return given[0];
}
