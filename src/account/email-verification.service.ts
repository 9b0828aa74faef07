import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { AccountSettings } from '../config/account.settings';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { verificationEmail } from '../mail/templates';
import { Quotas } from '../rate-limit/quotas';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountGoneError, AlreadyVerifiedError } from './account.errors';
import { EmailTokensService } from './email-tokens.service';

/** Proving an email address: the emailed link and its one-time token. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly settings: AccountSettings,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly quotas: Quotas,
  ) {}

  /** Queues a verification email; runs inside the caller's transaction (registration). */
  async sendVerification(user: User): Promise<void> {
    const ttl = this.settings.emailVerificationTtl;
    const token = await this.emailTokens.issue(user.id, 'verify_email', ttl);
    await this.mail.enqueue(
      verificationEmail(user.email, user.name, this.mail.link('/verify-email', token), Math.round(ttl / 3600)),
    );
  }

  /** At most RESEND_VERIFICATION_LIMIT per account (1 a minute and 10 a day by default), else 429. */
  async resendVerification(principal: Principal): Promise<void> {
    await this.tx.run(async () => {
      const user = await this.users.findById(principal.userId);
      if (!user) throw new AccountGoneError();
      if (user.emailVerifiedAt) throw new AlreadyVerifiedError();
      await this.quotas.consume('resend_verification', user.id, this.settings.resendVerificationLimits);
      await this.sendVerification(user);
    });
  }

  async verifyEmail(token: string): Promise<void> {
    await this.tx.run(async () => {
      const consumed = await this.emailTokens.consume(token, 'verify_email');
      await this.users.markEmailVerified(consumed.userId);
    });
  }
}
