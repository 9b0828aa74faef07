import { TransactionHost } from './transaction-host';

/**
 * One batch of a retention sweep on `table`: deletes, by primary key, at most `limit` rows that
 * match one of `conditions`, each a predicate on the cutoff (an SQL expression: now() minus
 * `ageSeconds`), and answers how many went. Each condition is looked up on its own, with a LIMIT,
 * so each can use its own partial index; the statement never scans the table. For the owner
 * modules' repositories: the conditions are theirs.
 */
export async function deleteBatch(
  tx: TransactionHost,
  table: string,
  conditions: ((cutoff: string) => string)[],
  ageSeconds: number,
  limit: number,
): Promise<number> {
  const cutoff = 'now() - make_interval(secs => $1)';
  const candidates = conditions.map((condition) => `(SELECT id FROM ${table} WHERE ${condition(cutoff)} LIMIT $2)`);
  const [row] = await tx.manager.query<{ count: number }[]>(
    `WITH deleted AS (
       DELETE FROM ${table} WHERE id IN (SELECT id FROM (${candidates.join(' UNION ALL ')}) AS candidates LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS count FROM deleted`,
    [ageSeconds, limit],
  );
  return row.count;
}
