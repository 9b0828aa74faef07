import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { DatabaseSettings } from '../config/database.settings';
import { InvalidSettingsError } from '../config/settings';

export interface PoolerReport {
  /** Consecutive statements of one connection ran on different PostgreSQL backends. */
  transactionPooler: boolean;
  /** Whether named prepared statements are used: DB_PREPARED_STATEMENTS, proven to work behind a pooler. */
  preparedStatements: boolean;
}

const ROUNDS = 5;
// How long a statement may wait while the other connection holds a transaction open. Through a
// pooler it runs at once on another backend; it waits only where every connection shares one.
const HELD_WAIT_MS = 5_000;
// SQLSTATE 26000: the named prepared statement is not on the backend the statement ran on.
const INVALID_STATEMENT_NAME = '26000';

export const PREPARED_STATEMENTS_REFUSED =
  'DB_PREPARED_STATEMENTS=true, but DATABASE_URL leads through a transaction-mode connection pooler ' +
  '(statements of one connection run on different PostgreSQL backends) that does not keep named prepared ' +
  'statements (PgBouncer before 1.21, or max_prepared_statements = 0): set DB_PREPARED_STATEMENTS=false';

/**
 * Looks at what sits between the service and PostgreSQL, on two connections of its own. A direct
 * connection, or a pooler in session mode, keeps one backend per connection; a pooler in
 * transaction (or statement) mode hands a connection's backend to another client as soon as its
 * transaction ends. So: the first connection reads its backend's pid; the second opens a
 * transaction (a pooler gives it the backend just released, the first's); the first reads its pid
 * again. Different pids, or the second on the first's backend, mean a transaction-mode pooler (or
 * connections that all share one backend, as the embedded server's do for other processes: named
 * statements would collide there as well).
 *
 * Behind one, with DB_PREPARED_STATEMENTS=true, it proves that a named prepared statement still
 * runs after the connection has moved to another backend (PgBouncer ≥ 1.21 re-prepares it there);
 * where it does not, it refuses to start (InvalidSettingsError naming the setting) rather than fail
 * on the first login. Nothing else this service does needs one backend across statements: its
 * advisory locks are transaction-scoped, and it uses no SET, temporary table or LISTEN.
 */
export async function checkConnectionPooler(
  settings: Pick<DatabaseSettings, 'url' | 'preparedStatements'>,
): Promise<PoolerReport> {
  if (settings.url === undefined) return { transactionPooler: false, preparedStatements: false };
  const [first, second] = [new Client({ connectionString: settings.url }), new Client({ connectionString: settings.url })];
  // A dropped connection fails the query that is waiting on it; the event alone must not crash.
  for (const client of [first, second]) client.on('error', () => undefined);
  try {
    await Promise.all([first.connect(), second.connect()]);
    const transactionPooler = await movesBetweenBackends(first, second);
    if (!transactionPooler || !settings.preparedStatements) {
      return { transactionPooler, preparedStatements: settings.preparedStatements };
    }
    if (!(await preparedStatementSurvivesMove(first, second))) throw new InvalidSettingsError([PREPARED_STATEMENTS_REFUSED]);
    return { transactionPooler, preparedStatements: true };
  } finally {
    await Promise.allSettled([first.end(), second.end()]);
  }
}

async function backendPid(client: Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0].pid;
}

async function movesBetweenBackends(first: Client, second: Client): Promise<boolean> {
  for (let round = 0; round < ROUNDS; round++) {
    const before = await backendPid(first);
    await second.query('BEGIN');
    let pending: Promise<unknown> | undefined;
    try {
      // Checked before the first connection runs anything more: where all connections share one
      // backend that runs one transaction at a time (the embedded server), it would wait for ours.
      if ((await backendPid(second)) === before) return true;
      const after = backendPid(first);
      pending = after;
      const answered = await answeredWithin(after);
      // Queued behind our transaction on another backend: a server that runs one at a time.
      if (answered === undefined) return false;
      if (answered.value !== before) return true;
    } finally {
      await second.query('COMMIT');
      await pending?.catch(() => undefined);
    }
  }
  return false;
}

/**
 * The first connection prepares a named statement, the second holds that backend in a transaction,
 * and the first runs the statement again (the driver sends only its name), necessarily elsewhere.
 * Proven kept when it runs there; not kept when that backend does not know it, or when nothing
 * could be proven (no round moved the first connection, or its statement waited for the second's
 * transaction: one backend shared by every connection).
 */
async function preparedStatementSurvivesMove(first: Client, second: Client): Promise<boolean> {
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh name each round and each boot: on a pooler that does not keep statements, the one
    // prepared stays on its backend, where a second preparation under the same name would fail.
    const statement = { name: `pooler_check_${randomBytes(6).toString('hex')}`, text: 'SELECT pg_backend_pid() AS pid' };
    const preparedOn = (await first.query<{ pid: number }>(statement)).rows[0].pid;
    await second.query('BEGIN');
    let pending: Promise<unknown> | undefined;
    let outcome: boolean | undefined;
    try {
      if ((await backendPid(second)) !== preparedOn) continue;
      const again = first.query<{ pid: number }>(statement).then(
        (result) => result.rows[0].pid !== preparedOn,
        (error: unknown) => {
          if ((error as { code?: string }).code !== INVALID_STATEMENT_NAME) throw error;
          return undefined;
        },
      );
      pending = again;
      const answered = await answeredWithin(again);
      if (answered === undefined) return false;
      if (answered.value === undefined) {
        outcome = false;
        // The statement is on the backend the second connection holds: remove it there.
        await second.query(`DEALLOCATE ${statement.name}`).catch(() => undefined);
      } else if (answered.value) {
        outcome = true;
      }
    } finally {
      await second.query('COMMIT');
      await pending?.catch(() => undefined);
    }
    if (outcome !== undefined) return outcome;
  }
  return false;
}

/** The promise's value, or undefined when it has not settled within HELD_WAIT_MS (it goes on). */
async function answeredWithin<T>(promise: Promise<T>): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), HELD_WAIT_MS)));
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
