import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { AccountSettings } from '../config/account.settings';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { passwordResetEmail } from '../mail/templates';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { WrongCurrentPasswordError } from './account.errors';
import { EmailTokensService } from './email-tokens.service';

/** Forgotten, reset and changed passwords. */
@Injectable()
export class PasswordsService {
  constructor(
    private readonly settings: AccountSettings,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Queues a reset email when the account exists. The answer is the same either way, and both
   * paths only touch the database, so timing does not tell accounts apart either.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.tx.run(async () => {
      const user = await this.users.findByEmail(email);
      if (!user) return;
      const ttl = this.settings.passwordResetTtl;
      const token = await this.emailTokens.issue(user.id, 'password_reset', ttl);
      await this.mail.enqueue(
        passwordResetEmail(user.email, user.name, this.mail.link('/reset-password', token), Math.round(ttl / 60)),
      );
    });
  }

  /** Sets a new password and revokes every session; the email is now proven, so it counts as verified. */
  async resetPassword(token: string, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    await this.tx.run(async () => {
      const consumed = await this.emailTokens.consume(token, 'password_reset');
      await this.users.setNewPassword(consumed.userId, passwordHash);
      await this.users.markEmailVerified(consumed.userId);
      await this.sessions.revokeAllOfUser(consumed.userId, 'password_reset');
      await this.audit.record({ type: 'password.reset', actorUserId: consumed.userId, targetId: consumed.userId });
    });
  }

  /** Needs the current password; every other session of the user is revoked. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const currentHash = await this.users.findPasswordHash(principal.userId);
    if (!currentHash || !(await this.passwords.verify(currentPassword, currentHash))) throw new WrongCurrentPasswordError();
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
  }
}
