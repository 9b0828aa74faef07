import { Injectable } from '@nestjs/common';

import { redactTokens } from '../common/logging/redact-tokens';
import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { EmailLane, OutboxEmail } from './outbox-email.entity';

export interface NewEmail {
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  /** `account` unless said otherwise (see OutboxEmail.lane). */
  lane?: EmailLane;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(email: NewEmail): Promise<void> {
    await this.tx.manager.getRepository(OutboxEmail).insert(email);
  }

  /**
   * Claims up to `limit` due emails of one lane for `leaseSeconds`. SKIP LOCKED lets replicas
   * claim at the same moment without waiting for, or taking, each other's rows.
   */
  async claimDue(lane: EmailLane, limit: number, leaseSeconds: number): Promise<OutboxEmail[]> {
    const rows = await this.tx.manager.query<Record<string, unknown>[]>(
      `UPDATE outbox_emails SET locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox_emails
           WHERE lane = $3 AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
             AND (locked_until IS NULL OR locked_until < now())
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING id, to_address, subject, text_body, html_body, lane, attempts`,
      [limit, leaseSeconds, lane],
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
        lane: row.lane as EmailLane,
        attempts: row.attempts as number,
      }),
    );
  }

  /** Sent: the row stays as a record, with the tokens of its links redacted (a database read must not yield one). */
  async markSent(email: StoredEmail): Promise<void> {
    await this.tx.manager
      .getRepository(OutboxEmail)
      .update({ id: email.id }, { sentAt: new Date(), lockedUntil: null, lastError: null, ...redactedBodies(email) });
  }

  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.tx.manager
      .getRepository(OutboxEmail)
      .update({ id }, { nextAttemptAt, lockedUntil: null, lastError: error.slice(0, 500) });
  }

  /** Given up: kept for an operator, without the tokens, which nobody will receive. */
  async markFailed(email: StoredEmail, error: string): Promise<void> {
    await this.tx.manager
      .getRepository(OutboxEmail)
      .update(
        { id: email.id },
        { failedAt: new Date(), lockedUntil: null, lastError: error.slice(0, 500), ...redactedBodies(email) },
      );
  }

  /** Deletes the emails of one lane addressed to `toAddress`, sent or not. */
  async deleteTo(toAddress: string, lane: EmailLane): Promise<void> {
    await this.tx.manager.getRepository(OutboxEmail).delete({ toAddress, lane });
  }

  /** One batch of the retention sweep: emails sent, or given up, more than `ageSeconds` ago. */
  deleteDoneBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(this.tx, 'outbox_emails', [{ column: 'sent_at' }, { column: 'failed_at' }], ageSeconds, limit);
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

type StoredEmail = Pick<OutboxEmail, 'id' | 'textBody' | 'htmlBody'>;

function redactedBodies(email: StoredEmail): Pick<OutboxEmail, 'textBody' | 'htmlBody'> {
  return { textBody: redactTokens(email.textBody), htmlBody: redactTokens(email.htmlBody) };
}
