/**
 * npm run bench:abuse — a password-guessing attack through two replicas while honest users sign in.
 *
 * Two instances of the built service (npm run build first) share one PostgreSQL database and one
 * Redis (a redis-server of its own on loopback). BENCH_ATTEMPTS (2,000) wrong-password logins
 * against one account arrive from many client IPs (X-Forwarded-For behind TRUST_PROXY=loopback,
 * so per-IP limits do not stop them: only the account's delay can), spread over both replicas at
 * BENCH_ATTACK_CONCURRENCY (32). Meanwhile honest users sign in to other accounts.
 * Goals: the attack gets few password checks, the account's owner still signs in from a clean
 * address within LOGIN_MAX_DELAY (60 s), and the honest logins' p99 stays under 2 × their
 * unloaded p99. BENCH_BCRYPT_COST (12) is the production default.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

import { call, closeConnections, percentile, sleep, startBuiltService } from './bench-support';

const COST = process.env.BENCH_BCRYPT_COST ?? '12';
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 2000);
const ATTACK_CONCURRENCY = Number(process.env.BENCH_ATTACK_CONCURRENCY ?? 32);
const HONEST_USERS = 8;
const HONEST_CONCURRENCY = 2;
const BASELINE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const post = (base: string, path: string, body: object, forwardedFor?: string): Promise<number> =>
  call(base, 'POST', path, { body, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }).then(
    (answer) => answer.status,
  );

const randomIp = () =>
  `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

async function main(): Promise<void> {
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await sleep(300);
  const env = {
    BCRYPT_COST: COST,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'warn',
    // Real per-IP limits on login; the attackers' many IPs stay under them.
    RATE_LIMIT_LOGIN: '30/1m',
  };
  const first = await startBuiltService(env);
  const second = await startBuiltService(env, first.databaseUrl);
  const replicas = [first.base, second.base];
  try {
    const victim = { username: 'victim@example.com', password: 'the-real-password' };
    const honest = Array.from({ length: HONEST_USERS }, (_, i) => ({
      username: `honest-${i}@example.com`,
      password: `honest-password-${i}`,
    }));
    for (const [i, user] of [victim, ...honest].entries()) {
      const status = await post(replicas[i % 2], '/api/v1/register', { name: 'Bench', ...user }, randomIp());
      if (status !== 200) throw new Error(`register answered ${status}`);
    }

    // Honest sign-ins come from many devices (a fresh address each, so the per-IP limit, which is
    // real here, never applies to them), alternating replicas.
    const honestLogins = async (until: () => boolean): Promise<number[]> => {
      const latencies: number[] = [];
      await Promise.all(
        Array.from({ length: HONEST_CONCURRENCY }, async (_, worker) => {
          for (let n = worker; !until(); n += HONEST_CONCURRENCY) {
            const t0 = performance.now();
            const status = await post(replicas[(n >> 1) % 2], '/api/v1/login', honest[n % HONEST_USERS], randomIp());
            if (status !== 200) throw new Error(`honest login answered ${status}`);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      return latencies.sort((a, b) => a - b);
    };

    const baselineEnd = performance.now() + BASELINE_SECONDS * 1000;
    const baseline = await honestLogins(() => performance.now() > baselineEnd);

    let attacking = true;
    let aborted = false;
    const statuses = new Map<number, number>();
    let firstBlockedAt = 0;
    let sent = 0;
    const attackStarted = performance.now();
    const attack = Promise.all(
      Array.from({ length: ATTACK_CONCURRENCY }, async () => {
        while (sent < ATTEMPTS && !aborted) {
          const n = ++sent;
          const status = await post(
            replicas[n % 2],
            '/api/v1/login',
            { username: victim.username, password: `guess-${n}` },
            randomIp(),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 429 && firstBlockedAt === 0) firstBlockedAt = n;
        }
      }),
    ).then(() => {
      attacking = false;
    });
    let underAttack: number[];
    try {
      underAttack = await honestLogins(() => !attacking);
    } finally {
      aborted = true;
      await attack;
    }
    const attackSeconds = (performance.now() - attackStarted) / 1000;
    // The owner, from a clean address, as a client that honours Retry-After once.
    const ownerAddress = randomIp();
    const ownerStarted = performance.now();
    let victimNow = await call(first.base, 'POST', '/api/v1/login', {
      body: victim,
      headers: { 'x-forwarded-for': ownerAddress },
    });
    const retryAfter = victimNow.headers['retry-after'];
    if (victimNow.status === 429) {
      await sleep(Number(retryAfter) * 1000);
      victimNow = await call(first.base, 'POST', '/api/v1/login', { body: victim, headers: { 'x-forwarded-for': ownerAddress } });
    }
    const ownerSeconds = (performance.now() - ownerStarted) / 1000;

    const p = (values: number[], q: number) => percentile(values, q).toFixed(0);
    console.log(
      `bcrypt cost ${COST}; two replicas sharing PostgreSQL and Redis; ${ATTEMPTS} attempts at concurrency ${ATTACK_CONCURRENCY}`,
    );
    console.log(
      `attack answers: ${[...statuses.entries()].map(([status, count]) => `${status} × ${count}`).join(', ')} in ${attackSeconds.toFixed(1)} s`,
    );
    console.log(
      `first 429 at attempt #${firstBlockedAt}; password checks the attack got: ${statuses.get(401) ?? 0}; ` +
        `the owner from a clean address: ${victimNow.status} after ${ownerSeconds.toFixed(1)} s` +
        (retryAfter ? ` (first told Retry-After ${retryAfter} s)` : '') +
        ' (goal: 200 within LOGIN_MAX_DELAY)',
    );
    console.log(`honest logins unloaded:     n=${baseline.length} p50 ${p(baseline, 50)} ms, p99 ${p(baseline, 99)} ms`);
    console.log(`honest logins under attack: n=${underAttack.length} p50 ${p(underAttack, 50)} ms, p99 ${p(underAttack, 99)} ms`);
    console.log(`p99 ratio: ${(percentile(underAttack, 99) / percentile(baseline, 99)).toFixed(2)} (goal < 2)`);
  } finally {
    closeConnections();
    await second.stop();
    await first.stop();
    redis.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
