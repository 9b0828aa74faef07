import { Injectable } from '@nestjs/common';

import { PublicUrl } from '../common/http/public-url';
import { NewEmail, OutboxRepository } from './outbox.repository';

/**
 * Queues emails in the transactional outbox. Called inside a use case's transaction, the email is
 * committed with the change it announces (or not at all); the mail worker delivers it later.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly publicUrl: PublicUrl,
    private readonly outbox: OutboxRepository,
  ) {}

  enqueue(email: NewEmail): Promise<void> {
    return this.outbox.insert(email);
  }

  /**
   * An account deletion: the account's own emails to its address (verification, reset, notices),
   * sent or waiting, go. Invitation emails stay: they are an organization's, to an address, and
   * still invite it; the retention sweep removes them once sent.
   */
  forgetAccountEmails(address: string): Promise<void> {
    return this.outbox.deleteTo(address, 'account');
  }

  /** One batch of the retention sweep (OUTBOX_RETENTION): emails sent or given up more than `ageSeconds` ago. */
  deleteDoneBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.outbox.deleteDoneBefore(ageSeconds, limit);
  }

  /** A page of the front end. */
  page(path: string): string {
    return `${this.publicUrl.base()}${path}`;
  }

  /** A link to the front end, carrying a one-time token. */
  link(path: string, token: string): string {
    return `${this.publicUrl.base()}${path}?token=${encodeURIComponent(token)}`;
  }
}
