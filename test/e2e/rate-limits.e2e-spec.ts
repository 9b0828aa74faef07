import { randomUUID } from 'node:crypto';

import { loginAs, registerUser } from '../support/factories';
import { RedisProcess } from '../support/redis-process';
import { createTestApp, TestApp, TestAppHandle } from '../support/test-app';

const wrongLogin = (t: TestAppHandle, email: string) =>
  t.api().post('/api/v1/login').send({ username: email, password: 'wrong-password' });

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
