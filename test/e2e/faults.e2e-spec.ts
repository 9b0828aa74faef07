import { loginAs, registerUser } from '../support/factories';
import { Chain, MixedLoad, Outcome } from '../support/mixed-load';
import { PostgresCluster } from '../support/postgres-cluster';
import { RedisProcess } from '../support/redis-process';
import { createTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** What happened while the load ran, on the load's clock (ms). */
interface Run {
  postgresDown: number;
  postgresRestarting: number;
  postgresUp: number;
  /** When every kind of request had succeeded again after PostgreSQL came back. */
  recovered: number;
  probesDuringOutage: { readyz: number; healthz: number; readyBody: unknown };
  redisDown: { honestLogin: number; guesses: number[]; rightPasswordAfterGuesses: number; ready: unknown };
  outcomes: Outcome[];
}

/**
 * The service on a PostgreSQL and a Redis of the test's own (never the machine's), both stopped
 * hard (SIGKILL) under a steady mixed load of refresh chains, GET /me and registrations, then
 * started again.
 */
describe('faults: PostgreSQL and Redis stopped hard under load', () => {
  const postgres = new PostgresCluster();
  const redis = new RedisProcess();
  let app: TestApp;
  let load: MixedLoad;
  let run: Run;

  beforeAll(async () => {
    const [databaseUrl, redisUrl] = await Promise.all([postgres.start(), redis.start()]);
    app = await createTestApp({
      env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOGIN_FREE_FAILURES: '3', LOG_LEVEL: 'warn' },
    });
    const chains: Chain[] = [];
    for (let i = 0; i < 3; i++) {
      const user = await registerUser(app.api);
      const session = await loginAs(app.api, user);
      chains.push({ email: user.email, token: session.token, refresh: session.refresh_token });
    }
    const honest = await registerUser(app.api);
    const victim = await registerUser(app.api);

    load = new MixedLoad(app.url, chains);
    await sleep(1500);

    await postgres.stop({ hard: true });
    const postgresDown = load.now();
    await sleep(1500);
    const readyz = await app.api().get('/readyz');
    const healthz = await app.api().get('/healthz');
    await sleep(2000);
    // Requests may succeed as soon as the server accepts them, before start() returns.
    const postgresRestarting = load.now();
    await postgres.start();
    const postgresUp = load.now();
    const kinds: Outcome['kind'][] = ['refresh', 'me', 'register'];
    const succeededSinceUp = (kind: Outcome['kind']) =>
      load.outcomes.find((o) => o.kind === kind && o.start >= postgresUp && o.status === 200);
    await until('every kind of request succeeds again', () => kinds.every((kind) => succeededSinceUp(kind)), 15_000);
    const recovered = Math.max(...kinds.map((kind) => (succeededSinceUp(kind) as Outcome).end));

    await redis.stop();
    const honestLogin = (await app.api().post('/api/v1/login').send({ username: honest.email, password: honest.password }))
      .status;
    const guesses: number[] = [];
    while (guesses.length < 6 && guesses[guesses.length - 1] !== 429) {
      guesses.push((await app.api().post('/api/v1/login').send({ username: victim.email, password: 'a-guess' })).status);
    }
    const rightPassword = await app.api().post('/api/v1/login').send({ username: victim.email, password: victim.password });
    const ready = (await app.api().get('/readyz')).body as unknown;
    await redis.start(redis.port);
    await until(
      'the limits count in Redis again',
      () => app.logs.some((line) => line.msg?.toString().includes('reachable again')),
      10_000,
    );
    await sleep(1000);
    await load.stop();

    run = {
      postgresDown,
      postgresRestarting,
      postgresUp,
      recovered,
      probesDuringOutage: { readyz: readyz.status, healthz: healthz.status, readyBody: readyz.body },
      redisDown: { honestLogin, guesses, rightPasswordAfterGuesses: rightPassword.status, ready },
      outcomes: load.outcomes,
    };
    const outage = run.outcomes.filter((o) => o.status === 503);
    process.stdout.write(
      `faults: ${run.outcomes.length} requests, ${outage.length} answered 503 (slowest ${Math.round(
        Math.max(0, ...outage.map((o) => o.end - o.start)),
      )} ms), recovered ${Math.round(run.recovered - run.postgresUp)} ms after PostgreSQL was back, ` +
        `${load.registered.length} registrations answered 200\n`,
    );
  }, 120_000);

  afterAll(async () => {
    await load?.stop();
    await app?.close();
    await redis.stop();
    await postgres.destroy();
  });

  const duringOutage = () => run.outcomes.filter((o) => o.start >= run.postgresDown && o.end <= run.postgresRestarting);

  it('answers every request while PostgreSQL is down with 503 unavailable in the error shape, with Retry-After', () => {
    expect(duringOutage().length).toBeGreaterThan(20);
    for (const outcome of duringOutage()) {
      expect({ kind: outcome.kind, status: outcome.status, body: outcome.body, retryAfter: outcome.retryAfter }).toEqual({
        kind: outcome.kind,
        status: 503,
        body: { code: 'unavailable', message: expect.any(String), details: null },
        retryAfter: '5',
      });
    }
  });

  it('never answers 500 or anything but 200 and 503 under the load, the moments of the stops included', () => {
    const statuses = new Set(run.outcomes.map((o) => o.status));
    expect([...statuses].sort()).toEqual([200, 503]);
  });

  it('answers each 503 within 5 s', () => {
    const slowest = Math.max(...run.outcomes.filter((o) => o.status === 503).map((o) => o.end - o.start));
    expect(slowest).toBeLessThan(5000);
  });

  it('reports /readyz 503 with the database unavailable during the outage, while /healthz stays 200', () => {
    expect(run.probesDuringOutage).toEqual({
      readyz: 503,
      healthz: 200,
      readyBody: { status: 'error', db: 'unavailable', redis: 'connected' },
    });
  });

  it('serves refresh, GET /me and registration again within 10 s of PostgreSQL coming back', () => {
    expect(run.recovered - run.postgresUp).toBeLessThan(10_000);
  });

  it('lets every account whose registration was answered 200 sign in afterwards', async () => {
    expect(load.registered.length).toBeGreaterThan(10);
    for (const account of load.registered) {
      await app.api().post('/api/v1/login').send({ username: account.email, password: account.password }).expect(200);
    }
  });

  it('keeps every refresh chain alive through both outages', async () => {
    for (const chain of load.chains) {
      const refreshed = await app.api().post('/api/v1/refresh-token').send({ refresh_token: chain.refresh }).expect(200);
      await app
        .api()
        .get('/api/v1/me')
        .auth(refreshed.body.token as string, { type: 'bearer' })
        .expect(200);
    }
  });

  it('signs in while Redis is down, and still throttles a password guesser: the limits never fail open', () => {
    expect(run.redisDown.honestLogin).toBe(200);
    // LOGIN_FREE_FAILURES=3: three checked failures, the fourth starts a lockout, the next is refused.
    expect(run.redisDown.guesses).toEqual([401, 401, 401, 401, 429]);
    expect(run.redisDown.rightPasswordAfterGuesses).toBe(429);
    expect(run.redisDown.ready).toEqual({ status: 'ok', db: 'connected', redis: 'unavailable' });
    expect(app.logs.filter((line) => line.msg === 'rate-limit store unavailable; counting in process memory')).toHaveLength(1);
  });

  it('answers 503 within 5 s while PostgreSQL is frozen (nothing answers, as behind a partition), and recovers when it thaws', async () => {
    const user = await registerUser(app.api);
    const [frozen, kept] = [await loginAs(app.api, user), await loginAs(app.api, user)];
    postgres.pause();
    try {
      const started = performance.now();
      const answers = await Promise.all([
        app.api().get('/api/v1/me').auth(kept.token, { type: 'bearer' }),
        app.api().post('/api/v1/refresh-token').send({ refresh_token: frozen.refresh_token }),
        app
          .api()
          .post('/api/v1/register')
          .send({ name: 'Frozen', username: `frozen-${user.email}`, password: 'frozen-password' }),
        app.api().post('/api/v1/login').send({ username: user.email, password: user.password }),
        app.api().get('/readyz'),
      ]);
      const elapsed = performance.now() - started;
      process.stdout.write(`faults: frozen PostgreSQL answered 503 after ${Math.round(elapsed)} ms\n`);
      expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503, 503, 503]);
      for (const answer of answers.slice(0, 4)) expect(answer.body.code).toBe('unavailable');
      expect(elapsed).toBeLessThan(5000);
    } finally {
      postgres.resume();
    }
    // The frozen refresh is not checked again: its UPDATE reached the server before the freeze and
    // commits when it thaws, though its answer was lost (docs/decisions.md, "A 503 …").
    const thawed = performance.now();
    await until(
      'the service answers again',
      async () => (await app.api().get('/api/v1/me').auth(kept.token, { type: 'bearer' })).status === 200,
      10_000,
    );
    await app.api().post('/api/v1/refresh-token').send({ refresh_token: kept.refresh_token }).expect(200);
    expect(performance.now() - thawed).toBeLessThan(10_000);
  });
});
