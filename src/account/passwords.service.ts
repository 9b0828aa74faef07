import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { LoginThrottle } from '../rate-limit/login-throttle';
import { SessionsService } from '../sessions/sessions.service';
import { normalizeEmail } from '../users/email';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { EmailTokensService } from './email-tokens.service';
import { PasswordConfirmation } from './password-confirmation';

/** Reset and changed passwords. */
@Injectable()
export class PasswordsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly confirmation: PasswordConfirmation,
  ) {}

  /**
   * Sets a new password and revokes every session; the email is now proven, so it counts as
   * verified. The account's login throttle starts afresh: its owner was locked out of nothing but
   * the blocked addresses, and those are cleared too.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    const email = await this.tx.run(async () => {
      const consumed = await this.emailTokens.consume(token, 'password_reset');
      await this.users.setNewPassword(consumed.userId, passwordHash);
      await this.users.markEmailVerified(consumed.userId);
      await this.sessions.revokeAllOfUser(consumed.userId, 'password_reset');
      await this.audit.record({ type: 'password.reset', actorUserId: consumed.userId, targetId: consumed.userId });
      return (await this.users.findById(consumed.userId))?.email;
    });
    if (email !== undefined) await this.throttle.clear(normalizeEmail(email));
  }

  /**
   * Needs the current password, checked under the login throttle (per account and client
   * address, like a login: a stolen access token must not become a way to guess the password);
   * every other session of the user is revoked and the throttle starts afresh.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    address: string | null,
  ): Promise<void> {
    await this.confirmation.confirm(principal, { password: currentPassword }, address, 'change_password');
    const passwordHash = await this.passwords.hash(newPassword);
    await this.tx.run(async () => {
      await this.users.setNewPassword(principal.userId, passwordHash);
      await this.sessions.revokeAllOfUser(principal.userId, 'password_changed', principal.sessionId);
      await this.audit.record({
        type: 'password.changed',
        actorUserId: principal.userId,
        organizationId: principal.organizationId,
        targetId: principal.userId,
      });
    });
    await this.confirmation.clearThrottle(principal.email);
  }
}
