import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { NewEmail, OutboxRepository } from './outbox.repository';

/**
 * Queues emails in the transactional outbox. Called inside a use case's transaction, the email is
 * committed with the change it announces (or not at all); the mail worker delivers it later.
 */
@Injectable()
export class MailService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
  ) {}

  enqueue(email: NewEmail): Promise<void> {
    return this.outbox.insert(email);
  }

  /** A link to the front end, carrying a one-time token. */
  link(path: string, token: string): string {
    return `${this.config.mail.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }
}
