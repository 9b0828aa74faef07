/**
 * npm run bench:tokens — refresh-token rotation, GET /me and the gateway check (GET /auth/verify)
 * throughput and latency.
 *
 * Starts the built service (npm run build first) as its own process on a fresh database of the
 * local PostgreSQL (or BENCH_DATABASE_URL / DATABASE_URL; "embedded" for PGlite), on loopback,
 * logging at info to /dev/null (the serialization cost stays). Then:
 * registers and signs in BENCH_USERS users, runs BENCH_CHAINS parallel rotation chains (each
 * presents only its newest refresh token), then GET /me and GET /api/v1/auth/verify side by side
 * (each level of one right after the same level of the other) at a few concurrencies,
 * BENCH_SECONDS per level. Client: one loop per connection, each on its own keep-alive socket, with the lean client
 * of bench-support (BENCH_CLIENT=node: node:http with a keep-alive agent, whose CPU per request,
 * taken from the cores the service runs on, is about that of GET /me itself; setup always uses
 * node:http). BENCH_LOG_LEVEL=silent
 * measures without request logging. BENCH_REPLICAS=2 runs two replicas of the service on the same
 * database (one Node.js process per core, as a deployment scales out) and spreads the loops over
 * them; each loop keeps to one replica. BENCH_POOLER=pgbouncer starts a PgBouncer of its own in
 * transaction mode (test/support/pgbouncer-process.ts, the same as the e2e tests') in front of the
 * server and runs BENCH_REPLICAS (then 2 by default) replicas through it, with
 * DB_PREPARED_STATEMENTS=false where that PgBouncer cannot keep prepared statements (before 1.21).
 * Goals on a 2-core machine: refresh ≥ 500/s, GET /me ≥ 2,000/s, auth/verify at least as fast as GET /me.
 */
import { PgBouncerProcess, pgbouncerVersion } from '../test/support/pgbouncer-process';
import {
  benchServer,
  call as request,
  closeConnections,
  createBenchDatabase,
  fmt,
  LeanClient,
  LoadResult,
  runLoad,
  Service,
  startBuiltService,
} from './bench-support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const USERS = Number(process.env.BENCH_USERS ?? 64);
const CHAINS = Number(process.env.BENCH_CHAINS ?? 20);
const ME_LEVELS = [1, 8, 32, 64];
const POOLER = process.env.BENCH_POOLER ?? 'none';
if (POOLER !== 'none' && POOLER !== 'pgbouncer') throw new Error('BENCH_POOLER is none or pgbouncer');
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? (POOLER === 'pgbouncer' ? 2 : 1));
const CLIENT = process.env.BENCH_CLIENT ?? 'lean';
if (CLIENT !== 'lean' && CLIENT !== 'node') throw new Error('BENCH_CLIENT is lean or node');
// Two loops on one chain would present each other's spent tokens: reuse, and the session dies.
if (CHAINS > USERS) throw new Error('BENCH_CHAINS must not exceed BENCH_USERS (one session per chain)');

let bases: string[] = [];
// Loop (or user) n talks to replica n mod REPLICAS.
const call = (n: number, method: string, path: string, body?: object, token?: string) =>
  request(bases[n % bases.length], method, path, { body, token });

let leanClients: LeanClient[] = [];
/** A request of the measured load: status, and the JSON body parsed only when asked for. */
async function load(n: number, method: string, path: string, body?: object, token?: string) {
  if (CLIENT === 'node') {
    const answer = await call(n, method, path, body, token);
    return { status: answer.status, json: () => answer.body };
  }
  const answer = await leanClients[n % leanClients.length].call(n, method, path, { body, token });
  return { status: answer.status, json: () => JSON.parse(answer.text) };
}

function report(label: string, concurrency: number, load: LoadResult): void {
  console.log(
    `${label.padEnd(14)} ${String(concurrency).padStart(5)} ${fmt(load.perSecond, 0).padStart(10)} ${fmt(load.p50)} ${fmt(load.p99)} ${String(load.errors).padStart(7)} ${String(load.completed).padStart(8)}`,
  );
}

async function main(): Promise<void> {
  // The service runs in its own process (the built dist/), as in production: the load generator
  // here does not share its event loop.
  const env: Record<string, string> = { BCRYPT_COST: '4', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' };
  const pooled = POOLER === 'pgbouncer' ? await startPooler() : undefined;
  if (pooled) env.DB_PREPARED_STATEMENTS = String(pooled.bouncer.preparedStatements);
  const services: Service[] = [];
  try {
    services.push(await startBuiltService(env, pooled?.url));
    while (services.length < REPLICAS) services.push(await startBuiltService(env, services[0].databaseUrl));
    bases = services.map((service) => service.base);
    leanClients = bases.map((base) => new LeanClient(base));
    const through = pooled
      ? `; through PgBouncer ${pgbouncerVersion().join('.')} (transaction mode, prepared statements ${env.DB_PREPARED_STATEMENTS === 'true' ? 'on' : 'off'})`
      : '';
    console.log(`service: ${bases.join(', ')}; ${SECONDS}s per level; ${CLIENT} client${through}`);

    const sessions: { token: string; refresh: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const credentials = { name: `Bench ${i}`, username: `bench-${i}@example.com`, password: `bench-password-${i}` };
      if ((await call(i, 'POST', '/api/v1/register', credentials)).status !== 200) throw new Error('register failed');
      const login = await call(i, 'POST', '/api/v1/login', { username: credentials.username, password: credentials.password });
      if (login.status !== 200) throw new Error('login failed');
      sessions.push({ token: login.body.token, refresh: login.body.refresh_token });
    }

    const refreshOnce = async (worker: number) => {
      const chain = sessions[worker % sessions.length];
      const response = await load(worker, 'POST', '/api/v1/refresh-token', { refresh_token: chain.refresh });
      if (response.status !== 200) return false;
      const { refresh_token, token } = response.json();
      chain.refresh = refresh_token;
      chain.token = token;
      return true;
    };
    const meOnce = async (worker: number) =>
      (await load(worker, 'GET', '/api/v1/me', undefined, sessions[worker % sessions.length].token)).status === 200;
    // What a gateway asks on every request: the live check with the caller's live role.
    const verifyOnce = async (worker: number) =>
      (await load(worker, 'GET', '/api/v1/auth/verify', undefined, sessions[worker % sessions.length].token)).status === 200;

    await runLoad(4, 1, meOnce); // warm up
    await runLoad(4, 1, verifyOnce);
    await runLoad(4, 1, refreshOnce);

    console.log('\nroute          conc.      req/s   p50 ms   p99 ms  errors requests');
    for (const chains of [1, CHAINS]) report('refresh-token', chains, await runLoad(chains, SECONDS, refreshOnce));
    for (const concurrency of ME_LEVELS) {
      report('GET /me', concurrency, await runLoad(concurrency, SECONDS, meOnce));
      report('auth/verify', concurrency, await runLoad(concurrency, SECONDS, verifyOnce));
    }
    // The floor of the HTTP stack (Fastify, Nest, logging, this client): no token, no query.
    const healthOnce = async (worker: number) => (await load(worker, 'GET', '/healthz')).status === 200;
    report('GET /healthz', 8, await runLoad(8, SECONDS, healthOnce));
  } finally {
    closeConnections();
    for (const client of leanClients) client.close();
    for (const service of services.reverse()) await service.stop();
    await pooled?.stop();
  }
}

/** A fresh database on the bench server, and a PgBouncer in transaction mode in front of it. */
async function startPooler() {
  const server = benchServer();
  if (server === 'embedded') throw new Error('BENCH_POOLER=pgbouncer needs a PostgreSQL server, not the embedded database');
  const database = await createBenchDatabase(server);
  const bouncer = new PgBouncerProcess(server);
  await bouncer.start();
  return {
    bouncer,
    url: bouncer.url(database.name),
    async stop() {
      await bouncer.stop();
      await database.drop();
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
