import { Injectable } from '@nestjs/common';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../common/request/principal';
import { LoginSettings } from '../config/login.settings';
import { MetricsService } from '../metrics/metrics.service';
import { ORGANIZATIONS_OF_USER } from '../organizations/organization-scopes.read-model';
import { IssuedSession, SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { AssertionResult, PasskeyAssertions } from './passkey-assertions';
import { PasskeyEmailNotVerifiedError, PasskeySignInRefusedError } from './passkeys.errors';

/**
 * Passwordless sign-in (POST /login/passkey/options, then POST /login/passkey): a user-verified
 * passkey opens a session like the right password does, and the answer is the same
 * SessionResponse. It is not asked for a second factor: the passkey is something the user has,
 * unlocked by something they are or know (user verification is required).
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    private readonly assertions: PasskeyAssertions,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly settings: LoginSettings,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  options(): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }> {
    return this.assertions.passwordlessOptions();
  }

  async signIn(challengeToken: string, credential: AuthenticationResponseJSON, client: ClientInfo): Promise<IssuedSession> {
    const result = await this.assertions.identify(challengeToken, credential);
    if (!result.ok) return this.refuse(result);
    const found = await this.users.findByIdWith(result.passkey.userId, ORGANIZATIONS_OF_USER);
    // The account was deleted between the two statements (its passkeys went with it).
    if (!found) return this.refuse({ ok: false, reason: 'unknown_passkey', userId: null });
    if (this.settings.requireVerifiedEmail && !found.user.emailVerifiedAt) {
      this.metrics.logins.inc({ outcome: 'email_not_verified' });
      throw new PasskeyEmailNotVerifiedError();
    }
    this.metrics.logins.inc({ outcome: 'success' });
    return this.sessions.open({ user: found.user, organizations: found.also }, client, {
      method: 'passkey',
      passkey_id: result.passkey.id,
    });
  }

  /**
   * Counted like a wrong password; audited when the passkey named a user (a refusal without one,
   * an unknown passkey or a dead challenge, is only counted: it cannot flood the trail).
   */
  private async refuse(refusal: Extract<AssertionResult, { ok: false }>): Promise<never> {
    this.metrics.logins.inc({ outcome: 'invalid_credentials' });
    if (refusal.userId !== null) {
      await this.audit.recordBestEffort({
        type: 'login.failed',
        actorUserId: refusal.userId,
        details: { method: 'passkey', reason: refusal.reason },
      });
    }
    throw new PasskeySignInRefusedError(
      refusal.reason === 'challenge'
        ? 'The challenge token is unknown, used or expired: ask POST /login/passkey/options again'
        : 'The passkey was not accepted',
    );
  }
}
