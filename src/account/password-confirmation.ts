import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { lockoutAuditRecord } from '../auth/credentials.service';
import type { Principal } from '../common/request/principal';
import { LoginThrottle, ThrottledAttempt } from '../rate-limit/login-throttle';
import { normalizeEmail } from '../users/email';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { WrongCurrentPasswordError } from './account.errors';
import { SecondFactorCheck } from './second-factor';

export interface Confirmation {
  password: string;
  /** Checked when given (undefined: the action needs no second factor). */
  secondFactor?: { code: string | undefined };
}

/**
 * A signed-in user proving again that they hold the account before a sensitive action (a new
 * password, deleting the account): the current password, and the second factor where the action
 * asks for it, checked under the login throttle per account and client address like a login, so a
 * stolen access token does not become a way to guess the password.
 */
@Injectable()
export class PasswordConfirmation {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly secondFactor: SecondFactorCheck,
  ) {}

  /** Throws 401 invalid_credentials (or the second factor's error), or 429 while the throttle refuses. */
  async confirm(
    principal: Principal,
    confirmation: Confirmation,
    address: string | null,
    action: ThrottledAttempt['action'],
  ): Promise<void> {
    const account = normalizeEmail(principal.email);
    await this.throttle.attempt(
      { account, address, action },
      async () => {
        const currentHash = await this.users.findPasswordHash(principal.userId);
        if (currentHash === undefined || !(await this.passwords.verify(confirmation.password, currentHash)))
          return { ok: false, error: new WrongCurrentPasswordError(), userId: principal.userId };
        const refused = confirmation.secondFactor
          ? await this.secondFactor.verify(principal.userId, confirmation.secondFactor.code)
          : null;
        return refused ? { ok: false, error: refused, userId: principal.userId } : { ok: true, value: undefined };
      },
      (lockout) => this.audit.recordBestEffort(lockoutAuditRecord(account, lockout)),
    );
  }

  /** The account's throttle starts afresh (a new password; an account gone, whose email may register again). */
  clearThrottle(email: string): Promise<void> {
    return this.throttle.clear(normalizeEmail(email));
  }
}
