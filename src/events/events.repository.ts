import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';

// Serializes the publishers' claims across replicas (see claimNext); distinct from the
// migration (727_001) and key-generation (727_002) locks.
const CLAIM_LOCK = 727_003;

export interface NewEvent {
  type: string;
  subject: string;
  data: object;
}

/** An event claimed for publication. */
export interface PendingEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** The outbox_events table: events are written here and nowhere else. */
@Injectable()
export class EventsRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** In the caller's transaction: the event commits with the change, or not at all. */
  async insert(event: NewEvent): Promise<void> {
    await this.tx.prepared('insert_outbox_event', 'INSERT INTO outbox_events (type, subject, data) VALUES ($1, $2, $3)', [
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }

  /**
   * Claims the oldest unpublished events (by seq) for `leaseSeconds`, in a transaction of the
   * caller's. Only one publisher holds unpublished events at a time: claims queue on an advisory
   * lock, and none is made while another worker's lease is live. An event is thus never
   * published before one that had committed before it was written (its seq is higher, and both
   * are visible to any claim that sees it); events of transactions that ran side by side go out
   * in the order they became visible. Unpublished events are found by published_at, not by a
   * cursor, so one that commits late with a lower seq is not skipped.
   */
  async claimNext(workerId: string, limit: number, leaseSeconds: number): Promise<PendingEvent[]> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
    const result = await this.tx.manager.query<unknown[]>(
      `UPDATE outbox_events SET locked_until = now() + make_interval(secs => $3), locked_by = $1
        WHERE id IN (
          SELECT id FROM outbox_events
           WHERE published_at IS NULL
           ORDER BY seq
           LIMIT $2)
          AND NOT EXISTS (
          SELECT 1 FROM outbox_events
           WHERE published_at IS NULL AND locked_until > now() AND locked_by IS DISTINCT FROM $1)
        RETURNING id, seq, type, subject, data, occurred_at`,
      [workerId, limit, leaseSeconds],
    );
    // TypeORM returns [rows, count] for UPDATE … RETURNING on PostgreSQL.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as EventRow[];
    return rows
      .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1))
      .map((row) => ({
        id: row.id,
        type: row.type,
        subject: row.subject,
        data: row.data,
        occurredAt: new Date(row.occurred_at),
      }));
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.manager.query(
      `UPDATE outbox_events SET published_at = now(), locked_until = NULL, locked_by = NULL, last_error = NULL
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Gives claimed events back (the next claim starts from the first of them). */
  async release(ids: string[], failedId: string | undefined, error: string | undefined): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.manager.query(
      `UPDATE outbox_events
          SET locked_until = NULL, locked_by = NULL,
              last_error = CASE WHEN id = $2::uuid THEN $3 ELSE last_error END
        WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
      [ids, failedId ?? null, error?.slice(0, 500) ?? null],
    );
  }

  /** One batch of the retention sweep: events published more than `ageSeconds` ago. */
  deletePublishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(this.tx, 'outbox_events', [{ column: 'published_at' }], ageSeconds, limit);
  }

  /** Events not yet published. */
  async countUnpublished(): Promise<number> {
    const [row] = await this.tx.manager.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM outbox_events WHERE published_at IS NULL',
    );
    return Number(row.count);
  }
}

interface EventRow {
  id: string;
  seq: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  occurred_at: Date;
}
