/**
 * npm run bench:memory — the resident memory (RSS) of the built service, at rest and after load.
 *
 * Starts the built service (npm run build first) as its own process, once on a fresh database of
 * the local PostgreSQL (or BENCH_DATABASE_URL) and once on the embedded default (PGlite under a
 * fresh DATA_DIR on disk, as `npm start` runs on a fresh clone), each with its default settings
 * except BCRYPT_COST (BENCH_BCRYPT_COST, 10: the hash's memory does not depend on its cost) and the
 * per-IP limits (everything comes from 127.0.0.1). For each it reads /proc/<pid>/status:
 * - at rest: BENCH_SETTLE_SECONDS (5) after /readyz first answers;
 * - after load: BENCH_LOGINS (200) logins of 20 registered users at 4 connections, then
 *   BENCH_ME (1000) GET /me at 8 connections, then the same settling time;
 * and reports VmRSS (resident now) and VmHWM (the peak). BENCH_ENGINES=postgres or embedded runs
 * one. Goals: embedded under 300 MB after load, PostgreSQL under 130 MB at rest.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { call, closeConnections, Service, sleep, startBuiltService } from './bench-support';

const COST = process.env.BENCH_BCRYPT_COST ?? '10';
const LOGINS = Number(process.env.BENCH_LOGINS ?? 200);
const ME = Number(process.env.BENCH_ME ?? 1000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_SECONDS ?? 5) * 1000;
const USERS = 20;
const ENGINES = (process.env.BENCH_ENGINES ?? 'postgres,embedded').split(',');

interface Memory {
  rss: number;
  peak: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Runs `total` requests over `concurrency` loops (a count, not a time, keeps runs comparable); throws on the first failure. */
async function times(total: number, concurrency: number, request: (n: number) => Promise<boolean>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        if (!(await request(n))) throw new Error(`request ${n} failed`);
      }
    }),
  );
}

async function measure(engine: string): Promise<{ engine: string; rest: Memory; loaded: Memory }> {
  const dataDir = engine === 'embedded' ? mkdtempSync(join(tmpdir(), 'bench-memory-')) : '';
  const previous = process.env.BENCH_DATABASE_URL;
  if (engine === 'embedded') process.env.BENCH_DATABASE_URL = 'embedded';
  let service: Service;
  try {
    service = await startBuiltService({ BCRYPT_COST: COST, DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  } finally {
    if (previous === undefined) delete process.env.BENCH_DATABASE_URL;
    else process.env.BENCH_DATABASE_URL = previous;
  }
  try {
    await sleep(SETTLE_MS);
    const rest = memoryOf(service.pid);

    const users = Array.from({ length: USERS }, (_, i) => ({
      username: `memory-${i}@example.com`,
      password: `memory-password-${i}`,
    }));
    for (const user of users) {
      const answer = await call(service.base, 'POST', '/api/v1/register', { body: { name: 'Memory', ...user } });
      if (answer.status !== 200) throw new Error(`register answered ${answer.status}`);
    }
    const tokens: string[] = [];
    await times(LOGINS, 4, async (n) => {
      const answer = await call(service.base, 'POST', '/api/v1/login', { body: users[n % USERS] });
      tokens[n % USERS] = answer.body?.token as string;
      return answer.status === 200;
    });
    await times(ME, 8, async (n) => (await call(service.base, 'GET', '/api/v1/me', { token: tokens[n % USERS] })).status === 200);
    await sleep(SETTLE_MS);
    return { engine, rest, loaded: memoryOf(service.pid) };
  } finally {
    closeConnections();
    await service.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = [];
  for (const engine of ENGINES) rows.push(await measure(engine));
  const mb = (n: number) => `${n.toFixed(0)} MB`.padStart(8);
  console.log(`\nengine      at rest (peak)         after ${LOGINS} logins + ${ME} GET /me (peak)`);
  for (const { engine, rest, loaded } of rows) {
    console.log(`${engine.padEnd(10)} ${mb(rest.rss)} (${mb(rest.peak)})      ${mb(loaded.rss)} (${mb(loaded.peak)})`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
