/**
 * npm run bench:login — login throughput and latency against the machine's pure bcrypt limit.
 *
 * The limit is cores × 1000 / (ms of one bcrypt comparison at BCRYPT_COST): a login can be no
 * faster than its hash. Goals: ≥ 90 % of the limit, p50 at one connection within 10 ms of one
 * hash, /healthz p99 under 20 ms while logins run. Settings: BENCH_BCRYPT_COST (12),
 * BENCH_SECONDS per level (8), BENCH_DATABASE_URL (local PostgreSQL, or "embedded").
 */
import { availableParallelism } from 'node:os';
import * as bcrypt from 'bcrypt';
import { fmt, percentile, runLoad, sleep, startBuiltService } from './bench-support';

const COST = Number(process.env.BENCH_BCRYPT_COST ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = [1, 2, 4, 8, 16];
const USERS = 16;

async function hashMilliseconds(): Promise<number> {
  const hash = await bcrypt.hash('benchmark-password', COST);
  const samples: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    await bcrypt.compare('benchmark-password', hash);
    samples.push(performance.now() - t0);
  }
  return percentile(
    samples.sort((a, b) => a - b),
    50,
  );
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const hashMs = await hashMilliseconds();
  const limit = (cores * 1000) / hashMs;
  console.log(
    `bcrypt cost ${COST}: one comparison takes ${hashMs.toFixed(1)} ms; ${cores} cores → limit ${limit.toFixed(2)} logins/s`,
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

    console.log('\nconcurrency   logins/s   of limit   p50 ms   p99 ms   errors   healthz p99 ms');
    for (const concurrency of LEVELS) {
      const health: number[] = [];
      let probing = true;
      const probe = (async () => {
        while (probing) {
          const t0 = performance.now();
          await fetch(`${service.base}/healthz`).then((r) => r.arrayBuffer());
          health.push(performance.now() - t0);
          await sleep(50);
        }
      })();
      const result = await runLoad(concurrency, SECONDS, login);
      probing = false;
      await probe;
      health.sort((a, b) => a - b);
      console.log(
        `${String(concurrency).padStart(11)} ${fmt(result.perSecond, 2)}   ${fmt((100 * result.perSecond) / limit)}%  ${fmt(result.p50)} ${fmt(result.p99)} ${String(result.errors).padStart(8)} ${fmt(percentile(health, 99))}`,
      );
      if (concurrency === 1)
        console.log(`${''.padStart(11)} p50 at one connection is ${(result.p50 - hashMs).toFixed(1)} ms above one hash`);
    }
  } finally {
    await service.stop();
  }
}

function post(base: string, path: string, body: object): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response;
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
