import { Client } from 'pg';

import { databaseUrl, serverUrl, uniqueDatabaseName, withAdminClient } from '../support/database';
import { loginAs, registerUser } from '../support/factories';
import { PgBouncerProcess } from '../support/pgbouncer-process';
import { authenticated, bearer } from '../support/team';
import { BOOT_TIMEOUT, createTestApp, TestApp } from '../support/test-app';

// Like pgbouncer.e2e-spec.ts: a real PostgreSQL server in both runs of `npm test` (the embedded
// database is one backend: it has no second replica to keep out).
const SERVER = serverUrl() ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const METRICS_TOKEN = 'metrics-token-for-retention-replicas-0123';
// The sweep's lock (src/retention/retention-lock.repository.ts).
const SWEEP_LOCK = 727_004;
const SESSIONS = 30;

async function deletedSessions(replica: TestApp): Promise<number> {
  const response = await replica.api().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
  const line = response.text.split('\n').find((entry) => entry.startsWith('identity_retention_deleted_total{kind="session"}'));
  return Number(line?.split(' ').pop());
}

/**
 * Two replicas behind PgBouncer in transaction mode, both sweeping every second: the sweep's lock
 * is transaction-scoped, so it works where consecutive transactions of one client connection run
 * on different server connections, and one replica's batch keeps the other out.
 */
describe('the retention sweep of two replicas through PgBouncer in transaction mode', () => {
  const bouncer = new PgBouncerProcess(SERVER, { default_pool_size: 4 });
  const name = uniqueDatabaseName('identity_retention');
  const direct = new Client({ connectionString: databaseUrl(SERVER, name) });
  let replicas: TestApp[] = [];

  beforeAll(async () => {
    await withAdminClient(SERVER, (client) => client.query(`CREATE DATABASE "${name}"`));
    await bouncer.start();
    const env = {
      DATABASE_URL: bouncer.url(name),
      DB_PREPARED_STATEMENTS: String(bouncer.preparedStatements),
      SESSION_RETENTION: '1s',
      RETENTION_SWEEP_INTERVAL: '1s',
      RETENTION_BATCH_SIZE: '4',
      METRICS_TOKEN,
    };
    // One after the other: two replicas migrating an empty database at once is pgbouncer.e2e-spec.ts's test.
    replicas.push(await createTestApp({ env }));
    replicas.push(await createTestApp({ env }));
    await direct.connect();
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    await direct.end();
    await Promise.all(replicas.map((replica) => replica.close()));
    replicas = [];
    await bouncer.stop();
    await withAdminClient(SERVER, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  it('deletes nothing while another holds the sweep’s lock, then every ended session exactly once, in batches', async () => {
    const [a, b] = replicas;
    const user = await registerUser(() => a.api());
    const live = await loginAs(() => b.api(), user);
    // Held by a third party: neither replica may sweep meanwhile.
    await direct.query('BEGIN');
    await direct.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
    try {
      for (let i = 0; i < SESSIONS; i++) {
        const session = await loginAs(() => (i % 2 ? a : b).api(), user);
        await authenticated(() => a.api(), session.token)
          .post('/api/v1/logout', {})
          .expect(200);
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const { rows } = await direct.query<{ count: string }>(
        'SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NOT NULL',
        [user.id],
      );
      expect(Number(rows[0].count)).toBe(SESSIONS);
    } finally {
      await direct.query('COMMIT');
    }

    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await direct.query<{ count: string }>('SELECT count(*) FROM sessions WHERE user_id = $1', [user.id]);
      if (Number(rows[0].count) === 1) break;
      if (Date.now() > deadline) throw new Error(`${rows[0].count} sessions left`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await authenticated(() => a.api(), live.token)
      .get('/api/v1/me')
      .expect(200);
    // Each row deleted once, whichever replica's batch took it; no replica logged an error.
    expect((await deletedSessions(a)) + (await deletedSessions(b))).toBe(SESSIONS);
    for (const replica of replicas) expect(replica.logs.filter((line) => (line.level as number) >= 40)).toEqual([]);
  }, 60_000);
});
