import { randomUUID } from 'node:crypto';

import { loginAs, registerUser } from '../support/factories';
import { bearer } from '../support/team';
import { useTestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-of-the-hash-queue-test';

/** A request and how long its answer took. */
async function timed<T>(request: PromiseLike<T>): Promise<{ response: T; ms: number }> {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
}

describe('a flood of password checks against a full hash queue', () => {
  // Real bcrypt work and a queue of one: a flood fills it at once.
  const t = useTestApp({ env: { BCRYPT_COST: '12', PASSWORD_HASH_QUEUE: '1', TRUST_PROXY: 'loopback' } });

  it('refuses the overflow at once with 503 and Retry-After, and the honest user signs in once it is over', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await registerUser(t.api));
    const flood = await Promise.all(
      users.map((user, i) =>
        timed(
          t
            .api()
            .post('/api/v1/login')
            .set('X-Forwarded-For', `203.0.113.${i + 1}`)
            .send({ username: user.email, password: `guess-${i}-password` }),
        ),
      ),
    );
    const refused = flood.filter(({ response }) => response.status === 503);
    const checked = flood.filter(({ response }) => response.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(checked.length).toBeGreaterThan(0);
    for (const { response } of refused) {
      expect(response.body).toEqual({
        code: 'unavailable',
        message: expect.any(String),
        details: { retry_after: expect.any(Number) },
      });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Refused without waiting for the queue: before the slowest checked attempt was answered.
    expect(Math.max(...refused.map(({ ms }) => ms))).toBeLessThan(Math.max(...checked.map(({ ms }) => ms)));

    await loginAs(t.api, users[0]);
  });

  it('answers register and password changes with 503 too when the queue is full', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () =>
        t
          .api()
          .post('/api/v1/register')
          .send({ name: 'Flood', username: `flood-${randomUUID()}@example.com`, password: 'flood-password' }),
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        t
          .api()
          .post('/api/v1/me/password')
          .set('X-Forwarded-For', `198.51.100.${i + 1}`)
          .set(bearer(session.token))
          .send({ current_password: `wrong-${i}-password`, new_password: 'never-set-password' }),
      ),
    ]);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(503);
    // 429: a password change of the account that waits its turn while another one is checked.
    expect(statuses.every((status) => [200, 401, 429, 503].includes(status))).toBe(true);
  });
});

describe('a request that timed out while its hash waited', () => {
  // One hash takes longer than the whole request may: the queued ones outlive their requests.
  const t = useTestApp({ env: { BCRYPT_COST: '14', REQUEST_TIMEOUT_MS: '1000', METRICS_TOKEN } });

  it('drops its queued hash instead of running bcrypt for nobody', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        t
          .api()
          .post('/api/v1/register')
          .send({ name: 'Slow', username: `slow-${randomUUID()}@example.com`, password: 'slow-password' }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThanOrEqual(4);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    const metrics = await t.api().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
    const dropped = /identity_password_hashes_skipped_total\{reason="abandoned"\} (\d+)/.exec(metrics.text)?.[1];
    expect(Number(dropped)).toBeGreaterThanOrEqual(4);
    expect(metrics.text).toMatch(/identity_password_hash_queue 0/);

    // Only the hashes that had started ran (their registrations end after the 503): the rest never did.
    const created = async () =>
      (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'slow-%'`))[0]?.n;
    for (let waited = 0; (await created()) !== 8 - Number(dropped) && waited < 30_000; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await created()).toBe(8 - Number(dropped));
  });
});
