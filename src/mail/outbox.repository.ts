import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { OutboxEmail } from './outbox-email.entity';

export interface NewEmail {
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(email: NewEmail): Promise<void> {
    await this.tx.manager.getRepository(OutboxEmail).insert(email);
  }

  /**
   * Claims up to `limit` due emails for `leaseSeconds`. SKIP LOCKED lets replicas claim at the
   * same moment without waiting for, or taking, each other's rows.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<OutboxEmail[]> {
    const rows = await this.tx.manager.query<Record<string, unknown>[]>(
      `UPDATE outbox_emails SET locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox_emails
           WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
             AND (locked_until IS NULL OR locked_until < now())
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING id, to_address, subject, text_body, html_body, attempts`,
      [limit, leaseSeconds],
    );
    // TypeORM returns [rows, count] for UPDATE … RETURNING on PostgreSQL.
    const returned = (Array.isArray(rows[0]) ? rows[0] : rows) as Record<string, unknown>[];
    return returned.map((row) =>
      Object.assign(new OutboxEmail(), {
        id: row.id as string,
        toAddress: row.to_address as string,
        subject: row.subject as string,
        textBody: row.text_body as string,
        htmlBody: row.html_body as string,
        attempts: row.attempts as number,
      }),
    );
  }

  async markSent(id: string): Promise<void> {
    await this.tx.manager.getRepository(OutboxEmail).update({ id }, { sentAt: new Date(), lockedUntil: null, lastError: null });
  }

  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.tx.manager
      .getRepository(OutboxEmail)
      .update({ id }, { nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 500) });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.tx.manager
      .getRepository(OutboxEmail)
      .update({ id }, { failedAt: new Date(), lockedUntil: null, lastError: error.slice(0, 500) });
  }

  /** Emails not yet sent nor given up. */
  countBacklog(): Promise<number> {
    return this.tx.manager
      .getRepository(OutboxEmail)
      .createQueryBuilder('email')
      .where('email.sentAt IS NULL AND email.failedAt IS NULL')
      .getCount();
  }
}
