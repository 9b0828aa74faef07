/**
 * npm run bench:login — login throughput and latency against the machine's pure bcrypt limit.
 *
 * The limit is cores × 1000 / (ms of one bcrypt comparison at BCRYPT_COST): a login can be no
 * faster than its hash. Goals: ≥ 90 % of the limit, p50 at one connection within 10 ms of one
 * hash, /healthz p99 under 20 ms while logins run. Settings: BENCH_BCRYPT_COST (12),
 * BENCH_SECONDS per level (8), BENCH_DATABASE_URL (local PostgreSQL, or "embedded").
 *
 * A shared VM's CPU speed drifts by several percent within a minute, as much as the overhead
 * measured here. So the hash is timed next to what it is compared with: at one connection each
 * login alternates with one comparison in this process (the service idle meanwhile), and each
 * level's limit comes from comparisons timed just before and just after it.
 */
import { availableParallelism } from 'node:os';

import * as bcrypt from 'bcrypt';

import { call, closeConnections, fmt, percentile, runLoad, sleep, startBuiltService } from './bench-support';

const COST = Number(process.env.BENCH_BCRYPT_COST ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = [1, 2, 4, 8, 16];
const USERS = 16;

let referenceHash = '';

/** The time of one bcrypt comparison at COST in this process, in ms. */
async function timeOneHash(): Promise<number> {
  referenceHash ||= await bcrypt.hash('benchmark-password', COST);
  const t0 = performance.now();
  await bcrypt.compare('benchmark-password', referenceHash);
  return performance.now() - t0;
}

async function hashSamples(count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await timeOneHash());
  return samples;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function main(): Promise<void> {
  const cores = availableParallelism();
  const startHashMs = median(await hashSamples(8));
  console.log(
    `bcrypt cost ${COST}: one comparison takes ${startHashMs.toFixed(1)} ms now; ${cores} cores → limit ${((cores * 1000) / startHashMs).toFixed(2)} logins/s (re-timed around each level)`,
  );

  const service = await startBuiltService({ BCRYPT_COST: String(COST) });
  try {
    const users = Array.from({ length: USERS }, (_, i) => ({
      username: `bench-${i}-${Date.now()}@example.com`,
      password: `bench-password-${i}`,
    }));
    for (const user of users) {
      const response = await post(service.base, '/api/v1/register', { name: 'Bench', ...user });
      if (response.status !== 200) throw new Error(`register failed: ${response.status}`);
    }
    const login = async (worker: number) => (await post(service.base, '/api/v1/login', users[worker % USERS])).status === 200;
    await runLoad(2, 2, login); // warm up

    console.log('\nconcurrency   logins/s   limit/s   of limit   p50 ms   p99 ms   errors   healthz p99 ms');
    for (const concurrency of LEVELS) {
      const before = await hashSamples(4);
      const health: number[] = [];
      let probing = true;
      const probe = (async () => {
        while (probing) {
          const t0 = performance.now();
          await call(service.base, 'GET', '/healthz');
          health.push(performance.now() - t0);
          await sleep(50);
        }
      })();
      const result = await runLoad(concurrency, SECONDS, login);
      probing = false;
      await probe;
      const after = await hashSamples(4);
      health.sort((a, b) => a - b);
      const limit = (cores * 1000) / median([...before, ...after]);
      console.log(
        `${String(concurrency).padStart(11)} ${fmt(result.perSecond, 2)} ${fmt(limit, 2)}   ${fmt((100 * result.perSecond) / limit)}%  ${fmt(result.p50)} ${fmt(result.p99)} ${String(result.errors).padStart(8)} ${fmt(percentile(health, 99))}`,
      );
      if (concurrency === 1) {
        // Each login followed by one comparison here (the service idle meanwhile): same CPU for both.
        const logins: number[] = [];
        const hashes: number[] = [];
        for (const deadline = performance.now() + SECONDS * 1000; performance.now() < deadline;) {
          const t0 = performance.now();
          if (!(await login(0))) throw new Error('login failed');
          logins.push(performance.now() - t0);
          hashes.push(await timeOneHash());
        }
        console.log(
          `${''.padStart(11)} alternating login/hash: p50 login ${median(logins).toFixed(1)} ms, p50 hash ${median(hashes).toFixed(1)} ms → ${(median(logins) - median(hashes)).toFixed(1)} ms above one hash`,
        );
      }
    }
  } finally {
    closeConnections();
    await service.stop();
  }
}

const post = (base: string, path: string, body: object) => call(base, 'POST', path, { body });

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
