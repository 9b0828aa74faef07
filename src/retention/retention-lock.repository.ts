import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';

// Distinct from the migration (727_001), key-generation (727_002) and event-claim (727_003) locks.
const SWEEP_LOCK = 727_004;

/**
 * The retention sweep's lock, one batch at a time: transaction-scoped, so it ends with the
 * batch's transaction and nothing outlives it on a pooled connection (PgBouncer in transaction
 * mode hands each transaction to any server connection: a session-level lock would stay behind
 * on one). No table: only the lock.
 */
@Injectable()
export class RetentionLock {
  constructor(private readonly tx: TransactionHost) {}

  /** In the caller's transaction: true when taken, false at once when another replica's batch holds it. */
  async tryTake(): Promise<boolean> {
    const [row] = await this.tx.manager.query<{ taken: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS taken', [
      SWEEP_LOCK,
    ]);
    return row.taken;
  }
}
