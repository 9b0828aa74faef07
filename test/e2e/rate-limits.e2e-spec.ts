import { randomUUID } from 'node:crypto';

import { loginAs, registerUser } from '../support/factories';
import { RedisProcess } from '../support/redis-process';
import { createTestApp, TestApp, TestAppHandle, useTestApp } from '../support/test-app';

const wrongLogin = (t: TestAppHandle, email: string) =>
  t.api().post('/api/v1/login').send({ username: email, password: 'wrong-password' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('per-account login throttle', () => {
  const t = useTestApp({ env: { LOGIN_FREE_FAILURES: '2', LOGIN_MAX_FAILURES: '10', LOGIN_BLOCK_DURATION: '15m' } });

  it('lets the free failures through, then locks the account for a growing delay with Retry-After', async () => {
    const user = await registerUser(t.api);
    await wrongLogin(t, user.email).expect(401);
    await wrongLogin(t, user.email).expect(401);
    await wrongLogin(t, user.email).expect(401); // third failure: 1 s lockout starts
    const locked = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    expect(locked.body).toEqual({ code: 'rate_limited', message: expect.any(String), details: { retry_after: 1 } });
    expect(locked.headers['retry-after']).toBe('1');

    await sleep(1100);
    // The refused attempt counted as the fourth failure, so this fifth one locks for 4 s.
    await wrongLogin(t, user.email).expect(401);
    const longer = await wrongLogin(t, user.email).expect(429);
    expect(Number(longer.headers['retry-after'])).toBe(4);
  });

  it('answers a locked account the same for the right and a wrong password', async () => {
    const user = await registerUser(t.api);
    for (let i = 0; i < 3; i++) await wrongLogin(t, user.email).expect(401);
    const right = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    const wrong = await wrongLogin(t, user.email).expect(429);
    expect(right.body).toEqual(wrong.body);
  });

  it('counts attempts refused during a lockout, so hammering a locked account reaches the block', async () => {
    const user = await registerUser(t.api);
    for (let i = 0; i < 3; i++) await wrongLogin(t, user.email).expect(401); // locked 1 s
    // Failures 4 to 9: refused without a password check, each still counted.
    for (let i = 4; i < 10; i++) expect((await wrongLogin(t, user.email).expect(429)).headers['retry-after']).toBe('1');
    const tenth = await wrongLogin(t, user.email).expect(429);
    expect(Number(tenth.headers['retry-after'])).toBe(900);
    const audited = await t.dataSource.query<{ details: Record<string, unknown> }[]>(
      `SELECT details FROM audit_events WHERE type = 'login.blocked' AND details->>'email' = $1 ORDER BY occurred_at`,
      [user.email.toLowerCase()],
    );
    expect(audited.map((row) => row.details)).toEqual([
      { email: user.email.toLowerCase(), failures: 3, lock_seconds: 1 },
      { email: user.email.toLowerCase(), failures: 10, lock_seconds: 900 },
    ]);
    await sleep(1100); // past the 1 s lockout: the block holds, the right password included
    const blocked = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(890);
  });

  it('resets the count after a successful login', async () => {
    const user = await registerUser(t.api);
    await wrongLogin(t, user.email).expect(401);
    await wrongLogin(t, user.email).expect(401);
    await loginAs(t.api, user);
    await wrongLogin(t, user.email).expect(401);
    await wrongLogin(t, user.email).expect(401);
    await loginAs(t.api, user);
  });

  it('checks one password at a time per account: parallel guesses at one account are refused, not queued', async () => {
    const user = await registerUser(t.api);
    const responses = await Promise.all(Array.from({ length: 8 }, () => wrongLogin(t, user.email)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    await sleep(Number(responses.find((r) => r.status === 429)?.headers['retry-after'] ?? 1) * 1000 + 100);
  });

  it('throttles unknown accounts exactly like known ones', async () => {
    const ghost = `ghost-${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i++) await wrongLogin(t, ghost).expect(404);
    await wrongLogin(t, ghost).expect(429);
  });
});

describe('per-account block after checked failures', () => {
  const t = useTestApp({ env: { LOGIN_FREE_FAILURES: '3', LOGIN_MAX_FAILURES: '4', LOGIN_BLOCK_DURATION: '15m' } });

  it('blocks for LOGIN_BLOCK_DURATION at LOGIN_MAX_FAILURES in the window, the right password included', async () => {
    const user = await registerUser(t.api);
    for (let i = 0; i < 4; i++) await wrongLogin(t, user.email).expect(401); // the fourth starts the block
    const blocked = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(890);
  });
});

describe('refused login attempts are held', () => {
  const t = useTestApp({ env: { LOGIN_FREE_FAILURES: '0', LOGIN_REFUSAL_DELAY_MS: '400' } });

  it('answers a refused attempt only after LOGIN_REFUSAL_DELAY_MS', async () => {
    const user = await registerUser(t.api);
    await wrongLogin(t, user.email).expect(401); // locked 1 s
    const started = performance.now();
    const refused = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(refused.body.code).toBe('rate_limited');
  });
});

describe('per-IP limits', () => {
  let direct: TestApp;
  let proxied: TestApp;

  beforeAll(async () => {
    direct = await createTestApp({ env: { RATE_LIMIT_REGISTER: '3/1m', RATE_LIMIT_FORGOT_PASSWORD: '2/1m' } });
    proxied = await createTestApp({ env: { RATE_LIMIT_REGISTER: '3/1m', TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  const register = (t: TestApp, forwardedFor?: string) => {
    const request = t.api().post('/api/v1/register');
    if (forwardedFor) request.set('X-Forwarded-For', forwardedFor);
    return request.send({ name: 'Limited', username: `limited-${randomUUID()}@example.com`, password: 'limited-password' });
  };

  it('answers 429 rate_limited with Retry-After and RateLimit headers past the limit', async () => {
    const first = await register(direct).expect(200);
    expect(first.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '2' });
    await register(direct).expect(200);
    await register(direct).expect(200);
    const refused = await register(direct).expect(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
  });

  it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const refused = await register(direct, '203.0.113.7').expect(429);
    expect(refused.body.code).toBe('rate_limited');
  });

  it('keys the limit by the forwarded client IP behind a trusted proxy', async () => {
    for (let i = 0; i < 3; i++) await register(proxied, '198.51.100.1').expect(200);
    await register(proxied, '198.51.100.1').expect(429);
    await register(proxied, '198.51.100.2').expect(200);
  });

  it('limits forgot-password per IP too', async () => {
    for (let i = 0; i < 2; i++)
      await direct.api().post('/api/v1/password/forgot').send({ username: 'x@example.com' }).expect(200);
    await direct.api().post('/api/v1/password/forgot').send({ username: 'x@example.com' }).expect(429);
  });
});

describe('shared counters in Redis', () => {
  const redis = new RedisProcess();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const url = await redis.start();
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: `test-${randomUUID()}:`, LOGIN_FREE_FAILURES: '3', LOGIN_MAX_FAILURES: '4' };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseOf: a.settings.database.url ? a : undefined });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await redis.stop();
  });

  it('counts failures spread over two instances as one', async () => {
    const email = `spread-${randomUUID()}@example.com`;
    await wrongLogin(a, email).expect(404);
    await wrongLogin(b, email).expect(404);
    await wrongLogin(a, email).expect(404);
    await wrongLogin(b, email).expect(404); // fourth failure: blocked on every instance
    await wrongLogin(a, email).expect(429);
    await wrongLogin(b, email).expect(429);
  });

  it('reports Redis in readiness, keeps answering when Redis goes down, and says so', async () => {
    expect((await a.api().get('/readyz').expect(200)).body).toEqual({ status: 'ok', db: 'connected', redis: 'connected' });
    const user = await registerUser(a.api);
    await redis.stop();

    await loginAs(a.api, user);
    await wrongLogin(a, user.email).expect(401);
    const ready = await a.api().get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ok', db: 'connected', redis: 'unavailable' });
    expect(a.logs.some((line) => line.msg === 'rate-limit store unavailable; counting in process memory')).toBe(true);
  });
});
