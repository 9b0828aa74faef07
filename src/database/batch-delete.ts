import { TransactionHost } from './transaction-host';

/** One way a row of a table finishes: the time column that says when (`used_at`), and what else must hold. */
export interface FinishedWhen {
  column: string;
  /** A further condition (`used_at IS NULL`), matching the partial index on `column`. */
  also?: string;
}

/**
 * One batch of a retention sweep on `table`: deletes, by primary key, at most `limit` rows whose
 * `column` (for one of `ways`) is older than `ageSeconds`, the oldest first, and answers how many
 * went. Each way is looked up on its own in `column` order with a LIMIT, so it walks the partial
 * index on that column from its start (past the entries of rows an earlier batch deleted, which
 * the index soon marks dead) instead of scanning the table; the order makes the planner take the
 * index even when most rows qualify. For the owner modules' repositories: the columns are theirs.
 */
export async function deleteBatch(
  tx: TransactionHost,
  table: string,
  ways: FinishedWhen[],
  ageSeconds: number,
  limit: number,
): Promise<number> {
  const candidates = ways.map(
    ({ column, also }) =>
      `(SELECT id FROM ${table}
         WHERE ${also ? `${also} AND ` : ''}${column} < now() - make_interval(secs => $1)
         ORDER BY ${column} LIMIT $2)`,
  );
  const [row] = await tx.manager.query<{ count: number }[]>(
    `WITH deleted AS (
       DELETE FROM ${table} WHERE id IN (SELECT id FROM (${candidates.join(' UNION ALL ')}) AS candidates LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS count FROM deleted`,
    [ageSeconds, limit],
  );
  return row.count;
}
