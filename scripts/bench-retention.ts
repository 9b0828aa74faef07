/**
 * npm run bench:retention — GET /me latency while the retention sweep deletes a large backlog.
 *
 * On a fresh database of the local PostgreSQL (or BENCH_DATABASE_URL / DATABASE_URL; the embedded
 * database is not supported: the rows are inserted by SQL from here), with the built service
 * (npm run build first):
 *
 * 1. starts the service with SESSION_RETENTION=3650d (nothing is old enough to go), registers and
 *    signs in BENCH_USERS users, inserts BENCH_ROWS sessions that expired two days ago by SQL
 *    (generate_series, over BENCH_OWNERS users of their own), prints the plan of the sweep's
 *    lookups (EXPLAIN), and measures GET /me at BENCH_CONCURRENCY connections for BENCH_SECONDS:
 *    the baseline, with the backlog in the table;
 * 2. restarts the service on the same database with SESSION_RETENTION=1d and
 *    RETENTION_SWEEP_INTERVAL=5s (its first sweep starts 5 s after boot), runs the same GET /me
 *    load from before the sweep starts until every expired row is gone, and reports the latency of
 *    the requests sent while it ran, the sweep's duration and rows per second;
 * 3. measures GET /me again on that process, the backlog gone.
 *
 * Goal: GET /me p99 during the sweep within 2× of the baseline (and under 50 ms).
 */
import { Client } from 'pg';

import {
  benchServer,
  closeConnections,
  createBenchDatabase,
  fmt,
  LeanClient,
  percentile,
  runLoad,
  Service,
  sleep,
  startBuiltService,
} from './bench-support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = Number(process.env.BENCH_USERS ?? 32);
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const OWNERS = Number(process.env.BENCH_OWNERS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = process.env.BENCH_BATCH_SIZE ?? '1000';
const METRICS_TOKEN = 'bench-retention-metrics-token';

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

async function main(): Promise<void> {
  if (benchServer() === 'embedded') throw new Error('bench:retention needs a PostgreSQL server (BENCH_DATABASE_URL)');
  const database = await createBenchDatabase();
  const sql = new Client({ connectionString: database.url });
  let service: Service | undefined;
  const common = { BCRYPT_COST: '4', METRICS_TOKEN, RETENTION_BATCH_SIZE: BATCH };
  try {
    service = await startBuiltService({ ...common, SESSION_RETENTION: '3650d', RETENTION_SWEEP_INTERVAL: '1h' }, database.url);
    await sql.connect();
    const tokens = await signIn(service.base);
    await insertExpiredSessions(sql);
    await explainLookups(sql);
    console.log(`\nGET /me at ${CONCURRENCY} connections; ${ROWS.toLocaleString('en')} expired sessions; batches of ${BATCH}`);
    console.log('phase                          req/s   p50 ms   p99 ms   max ms  errors');
    report('before (no sweep)', await measure(service.base, tokens, SECONDS));
    await service.stop();

    service = await startBuiltService({ ...common, SESSION_RETENTION: '1d', RETENTION_SWEEP_INTERVAL: '5s' }, database.url);
    const during = await measureDuringSweep(service.base, tokens);
    report('during the sweep', during.samples);
    report('after (backlog gone)', await measure(service.base, tokens, SECONDS));
    console.log(
      `\nsweep: ${ROWS.toLocaleString('en')} rows in ${fmt(during.seconds, 1).trim()} s, ${Math.round(ROWS / during.seconds).toLocaleString('en')} rows/s`,
    );
  } finally {
    await sql.end().catch(() => undefined);
    await service?.stop();
    closeConnections();
    await database.drop();
  }
}

async function signIn(base: string): Promise<string[]> {
  const client = new LeanClient(base);
  const tokens: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const body = { name: `Bench ${i}`, username: `bench-${i}@example.com`, password: `bench-password-${i}` };
    if ((await client.call(0, 'POST', '/api/v1/register', { body })).status !== 200) throw new Error('register failed');
    const login = await client.call(0, 'POST', '/api/v1/login', {
      body: { username: body.username, password: body.password },
    });
    if (login.status !== 200) throw new Error('login failed');
    tokens.push((JSON.parse(login.text) as { token: string }).token);
  }
  client.close();
  return tokens;
}

/** The backlog: sessions of users of their own, expired two days ago (never revoked: the expiry index's rows). */
async function insertExpiredSessions(sql: Client): Promise<void> {
  const started = performance.now();
  await sql.query(
    `INSERT INTO users (name, email, password_hash)
     SELECT 'Backlog ' || n, 'backlog-' || n || '@example.com', 'x' FROM generate_series(1, $1) AS n`,
    [OWNERS],
  );
  await sql.query(
    `INSERT INTO sessions (user_id, refresh_token_hash, created_at, last_used_at, expires_at)
     SELECT u.id, md5(n::text), now() - interval '40 days', now() - interval '32 days', now() - interval '2 days'
       FROM generate_series(1, $1) AS n
       JOIN (SELECT id, row_number() OVER () - 1 AS k FROM users WHERE email LIKE 'backlog-%') AS u ON u.k = n % $2`,
    [ROWS, OWNERS],
  );
  await sql.query('ANALYZE sessions');
  console.log(
    `inserted ${ROWS.toLocaleString('en')} expired sessions in ${fmt((performance.now() - started) / 1000, 1).trim()} s`,
  );
}

/** The plans of the two lookups of the sweep's session batch (SessionsRepository.deleteEndedBefore). */
async function explainLookups(sql: Client): Promise<void> {
  for (const lookup of [
    'WHERE revoked_at < now() - make_interval(secs => 86400) ORDER BY revoked_at',
    'WHERE revoked_at IS NULL AND expires_at < now() - make_interval(secs => 86400) ORDER BY expires_at',
  ]) {
    const statement = `SELECT id FROM sessions ${lookup} LIMIT ${BATCH}`;
    const { rows } = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement}`);
    console.log(`\nEXPLAIN ${statement}\n${rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')}`);
  }
}

async function measure(base: string, tokens: string[], seconds: number): Promise<Sample[]> {
  const client = new LeanClient(base);
  const samples: Sample[] = [];
  await runLoad(CONCURRENCY, 1, (worker) => meOnce(client, tokens, worker, [])); // warm up
  await runLoad(CONCURRENCY, seconds, (worker) => meOnce(client, tokens, worker, samples));
  client.close();
  return samples;
}

/** GET /me load from the start until the sweep has deleted every expired row; the samples of the sweep's time. */
async function measureDuringSweep(base: string, tokens: string[]): Promise<{ samples: Sample[]; seconds: number }> {
  const client = new LeanClient(base);
  const samples: Sample[] = [];
  let sweepStart: number | undefined;
  let sweepEnd: number | undefined;
  const watcher = (async () => {
    const deadline = performance.now() + 600_000;
    while (sweepEnd === undefined && performance.now() < deadline) {
      const deleted = await deletedSessions(base);
      if (deleted > 0) sweepStart ??= performance.now();
      if (deleted >= ROWS) sweepEnd = performance.now();
      else await sleep(100);
    }
  })();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (sweepEnd === undefined) await meOnce(client, tokens, worker, samples);
    }),
  );
  await watcher;
  client.close();
  if (sweepStart === undefined || sweepEnd === undefined) throw new Error('the sweep did not finish within 10 minutes');
  const [start, end] = [sweepStart, sweepEnd];
  return { samples: samples.filter((sample) => sample.at >= start && sample.at <= end), seconds: (end - start) / 1000 };
}

async function meOnce(client: LeanClient, tokens: string[], worker: number, samples: Sample[]): Promise<boolean> {
  const at = performance.now();
  const answer = await client.call(worker, 'GET', '/api/v1/me', { token: tokens[worker % tokens.length] }).catch(() => undefined);
  const ok = answer?.status === 200;
  samples.push({ at, ms: performance.now() - at, ok });
  return ok;
}

/** The sweep's counter of deleted sessions, from /metrics. */
async function deletedSessions(base: string): Promise<number> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await response.text())
    .split('\n')
    .find((entry) => entry.startsWith('identity_retention_deleted_total{kind="session"}'));
  return Number(line?.split(' ').pop() ?? 0);
}

function report(phase: string, samples: Sample[]): void {
  const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const seconds = samples.length > 0 ? (samples[samples.length - 1].at - samples[0].at) / 1000 : 0;
  console.log(
    `${phase.padEnd(24)} ${fmt(latencies.length / Math.max(seconds, 0.001), 0)} ${fmt(percentile(latencies, 50))} ${fmt(percentile(latencies, 99))} ${fmt(latencies[latencies.length - 1] ?? NaN)} ${String(samples.filter((sample) => !sample.ok).length).padStart(7)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
