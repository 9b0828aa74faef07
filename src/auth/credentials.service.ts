import { Injectable } from '@nestjs/common';

import { AuditRecord, AuditService } from '../audit/audit.service';
import { LoginSettings } from '../config/login.settings';
import { bothReadModels } from '../database/read-model';
import { LoginOutcome, MetricsService } from '../metrics/metrics.service';
import { TOTP_ENABLED } from '../mfa/second-factor.read-model';
import { ORGANIZATIONS_OF_USER, ProfileView } from '../organizations/organization-scopes.read-model';
import { AttemptOutcome, Lockout, LoginThrottle } from '../rate-limit/login-throttle';
import { normalizeEmail } from '../users/email';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { AccountNotFoundError, EmailNotVerifiedError, InvalidCredentialsError } from './auth.errors';

const LOGIN_FAILURE_OUTCOMES = new Set<string>([
  'invalid_credentials',
  'account_not_found',
  'rate_limited',
  'email_not_verified',
] satisfies LoginOutcome[]);

/** What a right password opens: the account, its organizations, and whether a second factor must follow. */
export interface SignInAccount extends ProfileView {
  totpEnabled: boolean;
}

// One statement: the account, its organizations and its second factor.
const SIGN_IN_READS = bothReadModels(ORGANIZATIONS_OF_USER, TOTP_ENABLED);

/** The password check of a sign-in, under the login throttle. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly settings: LoginSettings,
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks an email and password and returns the account with the organizations its session will
   * be scoped to, and whether TOTP is on. Every attempt costs one bcrypt comparison, whether or not the account exists, so
   * timing tells nothing more than the answer does. `address` is the client's (TRUST_PROXY
   * applies): the throttle blocks a client per account, never the account.
   */
  async validateCredentials(rawEmail: string, password: string, address: string | null): Promise<SignInAccount> {
    const email = normalizeEmail(rawEmail);
    try {
      const account = await this.throttle.attempt(
        { account: email, address, action: 'login' },
        () => this.checkPassword(email, password),
        (lockout) => this.auditLockout(email, lockout),
      );
      // Only after the password matched: an unverified account is not revealed to a guesser.
      if (this.settings.requireVerifiedEmail && !account.user.emailVerifiedAt) throw new EmailNotVerifiedError();
      this.metrics.logins.inc({ outcome: 'success' });
      return account;
    } catch (error) {
      await this.recordFailure(email, (error as { code?: string }).code);
      throw error;
    }
  }

  private async checkPassword(email: string, password: string): Promise<AttemptOutcome<SignInAccount>> {
    const found = await this.users.findByEmailWithPasswordHash(email, SIGN_IN_READS);
    const user = found?.user;
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!found || !user || !matches) {
      const unknown = !user && !this.settings.hideUnknownAccounts;
      return { ok: false, error: unknown ? new AccountNotFoundError() : new InvalidCredentialsError(), userId: user?.id ?? null };
    }
    const hash = user.passwordHash as string;
    if (this.passwords.needsRehash(hash)) await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    delete user.passwordHash;
    const [organizations, totpEnabled] = found.also;
    return { ok: true, value: { user, organizations, totpEnabled } };
  }

  private async recordFailure(email: string, outcome: string | undefined): Promise<void> {
    if (outcome === undefined || !LOGIN_FAILURE_OUTCOMES.has(outcome)) return;
    this.metrics.logins.inc({ outcome });
    // Refused attempts (a blocked address, a client waiting its turn) are only counted: blocks and
    // longer delays are audited once each (login.blocked, login.delayed), so an attack cannot
    // flood the trail or the database.
    if (outcome === 'rate_limited') return;
    await this.audit.recordBestEffort({
      type: 'login.failed',
      details: { email, reason: outcome },
    });
  }

  private auditLockout(email: string, lockout: Lockout): Promise<void> {
    return this.audit.recordBestEffort(lockoutAuditRecord(email, lockout));
  }
}

/**
 * The audit event of a lockout: a block of the client's address (login.blocked; the address is
 * the event's ip) or a longer delay of the account (login.delayed). Password changes use it too.
 */
export function lockoutAuditRecord(email: string, lockout: Lockout): AuditRecord {
  return {
    type: lockout.kind === 'block' ? 'login.blocked' : 'login.delayed',
    actorUserId: lockout.userId,
    details: { email, failures: lockout.failures, lock_seconds: lockout.lockSeconds },
  };
}
