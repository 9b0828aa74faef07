import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { AccountSettings } from '../config/account.settings';
import { LoginSettings } from '../config/login.settings';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { passwordResetEmail } from '../mail/templates';
import { UsersService } from '../users/users.service';
import { EmailTokensService } from './email-tokens.service';

/** POST /password/forgot: a reset link to the account's mailbox, and nothing to anybody else. */
@Injectable()
export class ForgotPasswordService implements OnApplicationShutdown {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly settings: AccountSettings,
    private readonly login: LoginSettings,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Queues a reset email when the account exists; the answer is the same either way. With
   * LOGIN_HIDE_UNKNOWN_ACCOUNTS=true not even its time may differ (a known account costs a token
   * and an email, an unknown one a single read), so all of that work happens after the answer,
   * for known and unknown accounts alike.
   */
  async forgotPassword(email: string): Promise<void> {
    if (!this.login.hideUnknownAccounts) return this.sendResetLink(email);
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.sendResetLink(email))
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not queue a password-reset email'))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** The work started after an answer finishes before the database closes. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async sendResetLink(email: string): Promise<void> {
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
}
