import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { LoginThrottle } from '../rate-limit/login-throttle';
import { normalizeEmail } from '../users/email';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { WrongPasswordError } from './mfa.errors';

/**
 * The password asked again before the second factor is weakened (turning TOTP off, a new set of
 * recovery codes), checked under the login throttle per account and client address like a login
 * and like DELETE /me, so a stolen access token is no way to guess the password.
 */
@Injectable()
export class MfaPasswordCheck {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /** Throws 401 invalid_credentials for a wrong password, 429 while the throttle refuses. */
  async confirm(principal: Principal, password: string, address: string | null): Promise<void> {
    const account = normalizeEmail(principal.email);
    await this.throttle.attempt(
      { account, address, action: 'mfa_settings' },
      async () => {
        const hash = await this.users.findPasswordHash(principal.userId);
        return hash !== undefined && (await this.passwords.verify(password, hash))
          ? { ok: true, value: undefined }
          : { ok: false, error: new WrongPasswordError(), userId: principal.userId };
      },
      (lockout) =>
        this.audit.recordBestEffort({
          type: lockout.kind === 'block' ? 'login.blocked' : 'login.delayed',
          actorUserId: lockout.userId,
          details: { email: account, failures: lockout.failures, lock_seconds: lockout.lockSeconds },
        }),
    );
  }
}
