import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { passwordResetEmail, verificationEmail } from '../mail/templates';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AlreadyVerifiedError, UnauthorizedError, WrongCurrentPasswordError } from './auth.errors';
import { EmailTokensService } from './email-tokens.service';
import { PasswordHasher } from '../users/password-hasher';
import { Principal } from './principal';
import { SessionsRepository } from './sessions.repository';

/** Email verification and password recovery and change. */
@Injectable()
export class AccountService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Queues a verification email; runs inside the caller's transaction (registration). */
  async sendVerification(user: User): Promise<void> {
    const ttl = this.config.emailVerificationTtl;
    const token = await this.emailTokens.issue(user.id, 'verify_email', ttl);
    await this.mail.enqueue(
      verificationEmail(user.email, user.name, this.mail.link('/verify-email', token), Math.round(ttl / 3600)),
    );
  }

  async resendVerification(principal: Principal): Promise<void> {
    await this.tx.run(async () => {
      const user = await this.users.findById(principal.userId);
      if (!user) throw new UnauthorizedError();
      if (user.emailVerifiedAt) throw new AlreadyVerifiedError();
      await this.sendVerification(user);
    });
  }

  async verifyEmail(token: string): Promise<void> {
    await this.tx.run(async () => {
      const consumed = await this.emailTokens.consume(token, 'verify_email');
      await this.users.markEmailVerified(consumed.userId);
    });
  }

  /**
   * Queues a reset email when the account exists. The answer is the same either way, and both
   * paths only touch the database, so timing does not tell accounts apart either.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.tx.run(async () => {
      const user = await this.users.findByEmail(email);
      if (!user) return;
      const ttl = this.config.passwordResetTtl;
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
      await this.users.updatePasswordHash(consumed.userId, passwordHash);
      await this.users.markEmailVerified(consumed.userId);
      await this.sessions.revokeAllOfUser(consumed.userId, 'password_reset');
      await this.audit.record({ type: 'password.reset', actorUserId: consumed.userId, targetId: consumed.userId });
    });
  }

  /** Needs the current password; every other session of the user is revoked. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findByEmailWithPasswordHash(principal.email);
    if (!user || user.id !== principal.userId || !(await this.passwords.verify(currentPassword, user.passwordHash))) {
      throw new WrongCurrentPasswordError();
    }
    const passwordHash = await this.passwords.hash(newPassword);
    await this.tx.run(async () => {
      await this.users.updatePasswordHash(user.id, passwordHash);
      await this.sessions.revokeAllOfUser(user.id, 'password_changed', principal.sessionId);
      await this.audit.record({
        type: 'password.changed',
        actorUserId: user.id,
        organizationId: principal.organizationId,
        targetId: user.id,
      });
    });
  }
}
