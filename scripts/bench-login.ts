/**
 * npm run bench:login — login throughput against the machine's bcrypt limit, measured in the same run.
 *
 * The limit is the issue's: comparisons per second with every core busy (one comparison in flight
 * per core, as the service's hash queue runs them), since a login can be no faster than its hash.
 * Two comparisons at once on 2 cores do not run quite as fast as one alone, so the limit is also
 * shown as cores × 1000 / (ms of one comparison alone), the stricter figure earlier runs reported.
 * For each cost (BENCH_COSTS, default 10,12) a fresh service on a fresh database with
 * BENCH_ACCOUNTS accounts (default 2,000, inserted by SQL with a hash at that cost, so no login
 * upgrades one, then analysed as autovacuum would); each connection signs in as accounts of its
 * own in turn, at BENCH_LEVELS connections (default 1,4,16) for BENCH_SECONDS each (default 10).
 * Goals: ≥ 95 % of the limit at 4 and 16 connections, p50 at one connection within 5 ms of one hash.
 *
 * A shared VM's CPU speed drifts by several percent within a minute, as much as the overhead
 * measured here. So the hash is timed next to what it is compared with: each level runs in
 * BENCH_SLICES slices (default 4) with half a second of comparisons on every core before, between
 * and after them, and the level's limit is their mean; each slice's own share (against the
 * comparisons on either side of it) is shown as a range, the drift that remains. A slice counts
 * only the logins that complete while every core is busy (from half a second after its start to
 * its end). At one connection each login also alternates with one comparison in this process
 * (the service idle meanwhile) for the latency above a hash.
 *
 * Where the CPU goes: the service's CPU time (all its threads) and PostgreSQL's (every backend of
 * the machine's cluster; BENCH_DATABASE_URL elsewhere leaves it out) per login, from /proc, less
 * the CPU time of one comparison with every core busy: what a login costs beyond its bcrypt
 * comparison; and this process's (the load generator's) per login. BENCH_PROFILE_DIR=dir writes a
 * CPU profile of each service process there.
 *
 * BENCH_TARGET=floor sends the same logins to scripts/login-floor.ts instead: the login's required
 * work (the service's two statements, one comparison, the two tokens, a log line) with no
 * framework around it, on the database the service migrated. What it reaches is what this
 * machine allows any Node.js service with those statements; the service's distance from it is
 * its own overhead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import * as bcrypt from 'bcrypt';
import { Client } from 'pg';

import {
  benchServer,
  closeConnections,
  closedLoop,
  createBenchDatabase,
  fmt,
  LeanClient,
  percentile,
  runLoad,
  startBuiltService,
} from './bench-support';

const COSTS = (process.env.BENCH_COSTS ?? '10,12').split(',').map(Number);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,4,16').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const PASSWORD = 'benchmark-password';
const OWNER_ROLE = '00000000-0000-4000-8000-000000000001';
const CLOCK_TICKS = 100;
const FLOOR = process.env.BENCH_TARGET === 'floor';
const SLICES = Number(process.env.BENCH_SLICES ?? 4);
/** At the start of each slice, the time before logins complete at the steady rate. */
const SETTLE_MS = 500;

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

interface Window {
  /** Logins that completed within the window (after SETTLE_MS, before the slice's end). */
  counted: number;
  seconds: number;
  /** All logins of the slice, the last ones drained after its end (their CPU is in the slice's). */
  completed: number;
  errors: number;
  latencies: number[];
}

/**
 * One slice of closed-loop load: `concurrency` workers each send the next login as soon as the
 * last answers, for `seconds`. The rate counts only the logins that complete between SETTLE_MS
 * after the start and the end, when every core is busy: the first ones complete only a hash
 * after the start, and the last ones drain after the end, while fewer hashes are in flight.
 */
async function runWindow(concurrency: number, seconds: number, request: (worker: number) => Promise<boolean>): Promise<Window> {
  const started = performance.now();
  const [from, to] = [started + SETTLE_MS, started + seconds * 1000];
  const window: Window = { counted: 0, seconds: (to - from) / 1000, completed: 0, errors: 0, latencies: [] };
  await closedLoop(concurrency, to, request, (t0, t1, ok) => {
    window.completed++;
    if (!ok) window.errors++;
    if (t1 >= from && t1 <= to) {
      window.counted++;
      window.latencies.push(t1 - t0);
    }
  });
  return window;
}

/** The time of one bcrypt comparison of `hash` in this process, in ms. */
async function timeOneHash(hash: string): Promise<number> {
  const t0 = performance.now();
  await bcrypt.compare(PASSWORD, hash);
  return performance.now() - t0;
}

async function hashSamples(hash: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await timeOneHash(hash));
  return samples;
}

interface BusyCores {
  /** Comparisons per second with one in flight per core. */
  perSecond: number;
  /** CPU time of one comparison meanwhile (all threads of this process), in ms. */
  cpuMs: number;
}

/** `cores` comparisons in flight at once, `rounds` each: the bcrypt limit of this machine now. */
async function busyCores(hash: string, cores: number, rounds: number): Promise<BusyCores> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: cores }, async () => {
      for (let i = 0; i < rounds; i++) await bcrypt.compare(PASSWORD, hash);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (cores * rounds) / seconds, cpuMs: (cpu.user + cpu.system) / 1000 / (cores * rounds) };
}

/**
 * CPU seconds (user + system) of a process, all its threads; with `reaped`, also of its children
 * that have exited and been waited for.
 */
function cpuSeconds(pid: number, reaped = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (reaped ? own + Number(fields[13]) + Number(fields[14]) : own) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of every PostgreSQL process of the machine (its backends among them), those that
 * ended meanwhile included: the postmaster reaps them (autovacuum workers come and go).
 */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(entry), true);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Accounts that can sign in, each with an organization as registration leaves it, inserted by SQL. */
async function insertAccounts(url: string, hash: string, prefix: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `WITH people AS (
         SELECT n, gen_random_uuid() AS user_id, gen_random_uuid() AS organization_id FROM generate_series(1, $1) AS n),
       users AS (
         INSERT INTO users (id, name, email, password_hash, last_organization_id)
         SELECT user_id, 'Bench ' || n, $2 || n || '@example.com', $3, organization_id FROM people),
       organizations AS (
         INSERT INTO organizations (id, name, slug) SELECT organization_id, 'Bench ' || n, $2 || n FROM people)
       INSERT INTO memberships (user_id, organization_id, role_id) SELECT user_id, organization_id, $4 FROM people`,
      [ACCOUNTS, prefix, hash, OWNER_ROLE],
    );
    // As autovacuum would within a minute: without statistics the planner takes the tables for
    // empty and each login's organizations lookup scans every organization.
    await client.query('ANALYZE users, organizations, memberships');
  } finally {
    await client.end();
  }
  return Array.from({ length: ACCOUNTS }, (_, i) => `${prefix}${i + 1}@example.com`);
}

async function benchCost(cost: number, cores: number): Promise<void> {
  const hash = await bcrypt.hash(PASSWORD, cost);
  const startHashMs = median(await hashSamples(hash, 6));
  console.log(
    `\nbcrypt cost ${cost}: one comparison ${startHashMs.toFixed(1)} ms now; the limit is timed with ${cores} comparisons at once between slices`,
  );
  const database = benchServer() === 'embedded' ? undefined : await createBenchDatabase();
  let service = await startBuiltService(
    { BCRYPT_COST: String(cost), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
    database?.url,
  );
  if (FLOOR) {
    // The service has migrated the database; the floor serves the logins on it instead.
    await service.stop();
    service = await startBuiltService({}, database?.url, [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'login-floor.ts'),
    ]);
    console.log('BENCH_TARGET=floor: the logins go to scripts/login-floor.ts, not the service');
  }
  const client = new LeanClient(service.base);
  try {
    const emails = await insertAccounts(database?.url ?? (await embeddedUnsupported()), hash, `bench-${cost}-${Date.now()}-`);
    const next = new Map<number, number>();
    const failures = new Map<string, number>();
    const login = async (worker: number, stride: number) => {
      // Each connection signs in as its own accounts in turn: many accounts, never two at once.
      const index = next.get(worker) ?? worker;
      next.set(worker, (index + stride) % emails.length);
      const answer = await client.call(worker, 'POST', '/api/v1/login', {
        body: { username: emails[index], password: PASSWORD },
      });
      if (answer.status === 200) return true;
      const failure = `${answer.status} ${answer.text.slice(0, 160)}`;
      failures.set(failure, (failures.get(failure) ?? 0) + 1);
      return false;
    };
    await runLoad(2, 2, (worker) => login(worker, 2)); // warm up

    // About half a second of comparisons between slices.
    const rounds = Math.max(3, Math.ceil(500 / startHashMs));
    console.log(
      'connections   logins/s    limit/s   of limit  of cores×1    slices of limit    p50 ms    p99 ms   errors   CPU/login ms: service  postgres  beyond hash  client',
    );
    for (const concurrency of LEVELS) {
      const singles = await hashSamples(hash, 3);
      const busy = [await busyCores(hash, cores, rounds)];
      const windows: Window[] = [];
      let [serviceSeconds, postgresSeconds, clientSeconds] = [0, 0, 0];
      for (let slice = 0; slice < SLICES; slice++) {
        const [service0, postgres0, client0] = [cpuSeconds(service.pid), postgresCpuSeconds(), process.cpuUsage()];
        windows.push(await runWindow(concurrency, SECONDS / SLICES, (worker) => login(worker, concurrency)));
        const client1 = process.cpuUsage(client0);
        serviceSeconds += cpuSeconds(service.pid) - service0;
        postgresSeconds += postgresCpuSeconds() - postgres0;
        clientSeconds += (client1.user + client1.system) / 1e6;
        busy.push(await busyCores(hash, cores, rounds));
      }
      singles.push(...(await hashSamples(hash, 3)));
      const counted = windows.reduce((sum, window) => sum + window.counted, 0);
      const perSecond = counted / windows.reduce((sum, window) => sum + window.seconds, 0);
      const limit = busy.reduce((sum, sample) => sum + sample.perSecond, 0) / busy.length;
      const hashCpu = busy.reduce((sum, sample) => sum + sample.cpuMs, 0) / busy.length;
      const sliceShares = windows.map(
        (window, i) => (100 * window.counted) / window.seconds / ((busy[i].perSecond + busy[i + 1].perSecond) / 2),
      );
      const latencies = windows.flatMap((window) => window.latencies).sort((a, b) => a - b);
      const completed = windows.reduce((sum, window) => sum + window.completed, 0);
      const errors = windows.reduce((sum, window) => sum + window.errors, 0);
      const coresTimesOne = (cores * 1000) / median(singles);
      const perLogin = (seconds: number) => (1000 * seconds) / Math.max(1, completed);
      const serviceMs = perLogin(serviceSeconds);
      const postgresMs = perLogin(postgresSeconds);
      const spread = `${Math.min(...sliceShares).toFixed(1)}–${Math.max(...sliceShares).toFixed(1)} %`;
      console.log(
        `${String(concurrency).padStart(11)} ${fmt(perSecond, 2)}   ${fmt(limit, 2)}   ${fmt((100 * perSecond) / limit)}%   ${fmt((100 * perSecond) / coresTimesOne)}%  ${spread.padStart(17)}  ${fmt(percentile(latencies, 50))}  ${fmt(percentile(latencies, 99))} ${String(errors).padStart(8)}              ${fmt(serviceMs, 2)}  ${fmt(postgresMs, 2)}  ${fmt(serviceMs + postgresMs - hashCpu, 2)}  ${fmt(perLogin(clientSeconds), 2)}`,
      );
      for (const [failure, count] of failures) console.log(`${''.padStart(11)} ${count} × ${failure}`);
      failures.clear();
      if (concurrency === 1) {
        // Each login followed by one comparison here (the service idle meanwhile): same CPU for both.
        const logins: number[] = [];
        const hashes: number[] = [];
        for (const deadline = performance.now() + SECONDS * 1000; performance.now() < deadline;) {
          const t0 = performance.now();
          if (!(await login(0, 1))) throw new Error('login failed');
          logins.push(performance.now() - t0);
          hashes.push(await timeOneHash(hash));
        }
        console.log(
          `${''.padStart(11)} alternating login/hash: p50 login ${median(logins).toFixed(1)} ms, p50 hash ${median(hashes).toFixed(1)} ms → ${(median(logins) - median(hashes)).toFixed(1)} ms above one hash`,
        );
      }
    }
  } finally {
    client.close();
    await service.stop();
    await database?.drop();
  }
}

function embeddedUnsupported(): Promise<string> {
  return Promise.reject(new Error('bench:login inserts its accounts by SQL: run it against a PostgreSQL server'));
}

async function main(): Promise<void> {
  if ((SECONDS * 1000) / SLICES < 2 * SETTLE_MS) {
    throw new Error(
      `BENCH_SECONDS / BENCH_SLICES must be at least ${(2 * SETTLE_MS) / 1000} s: each slice settles for ${SETTLE_MS} ms`,
    );
  }
  const cores = availableParallelism();
  for (const cost of COSTS) await benchCost(cost, cores);
  closeConnections();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
