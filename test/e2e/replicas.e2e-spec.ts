import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { databaseUrl, serverUrl, uniqueDatabaseName, withAdminClient } from '../support/database';
import { RedisProcess } from '../support/redis-process';
import { freePort, killServices, ServiceProcess, startService, waitForHttp } from '../support/service-process';
import { TEST_DATA_ENCRYPTION_KEY } from '../support/test-app';

/**
 * Two instances of the service, each its own process, sharing one PostgreSQL (the test server,
 * or an embedded one served by this test when there is none) and one Redis.
 */
describe('two replicas behind one database and one Redis', () => {
  const redis = new RedisProcess();
  let embedded: EmbeddedPostgres | undefined;
  let dropDatabase = async () => {};
  let database = '';
  let replicas: { base: string; process: ServiceProcess }[] = [];

  beforeAll(async () => {
    const server = serverUrl();
    if (server) {
      const name = uniqueDatabaseName('identity_replicas');
      await withAdminClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
      database = databaseUrl(server, name);
      dropDatabase = () =>
        withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);
    } else {
      embedded = await startEmbeddedPostgres('');
      database = embedded.url;
    }
    const redisUrl = await redis.start();
    const ports = [await freePort(), await freePort()];
    const prefix = `replicas-${randomUUID()}:`;
    const env = (port: number) => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      // Both read the keys the other stored.
      DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      LOGIN_FREE_FAILURES: '3',
      LOGIN_MAX_FAILURES: '5',
      RATE_LIMIT_LOGIN: '10000/1m',
      // Without a server, both processes reach one embedded database: one backend session.
      DB_PREPARED_STATEMENTS: String(Boolean(server)),
      RATE_LIMIT_REGISTER: '10000/1m',
    });
    // Both start at the same moment on the empty database.
    replicas = ports.map((port) => ({ base: `http://127.0.0.1:${port}`, process: startService(env(port)) }));
    await Promise.all(replicas.map((replica) => waitForHttp(`${replica.base}/readyz`, replica.process, 90_000)));
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) replica.process.child.kill('SIGTERM');
    await Promise.all(replicas.map((replica) => replica.process.exited));
    killServices();
    await redis.stop();
    await embedded?.stop();
    await dropDatabase();
  });

  const post = (base: string, path: string, body: object, token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const get = (base: string, path: string, token: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  async function register(base: string): Promise<{ username: string; password: string }> {
    const credentials = { username: `replica-${randomUUID()}@example.com`, password: 'replica-password' };
    expect((await post(base, '/api/v1/register', { name: 'Replica', ...credentials })).status).toBe(200);
    return credentials;
  }

  async function login(base: string, credentials: object): Promise<{ token: string; refresh_token: string }> {
    const response = await post(base, '/api/v1/login', credentials);
    expect(response.status).toBe(200);
    return (await response.json()) as { token: string; refresh_token: string };
  }

  it('migrated the empty database exactly once while both started', async () => {
    const client = new Client({ connectionString: database });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; count: string }>(
        'SELECT name, count(*) FROM schema_migrations GROUP BY name',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.count === '1')).toBe(true);
    } finally {
      await client.end();
    }
    for (const replica of replicas) expect(replica.process.output()).not.toMatch(/"level":"(error|fatal)"/);
  });

  it('accepts on one replica a token issued by the other, and refreshes there a session opened on the other', async () => {
    const [a, b] = replicas;
    const credentials = await register(a.base);
    const session = await login(b.base, credentials);
    expect((await get(a.base, '/api/v1/organizations', session.token)).status).toBe(200);

    const refreshed = await post(a.base, '/api/v1/refresh-token', { refresh_token: session.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { token: string; refresh_token: string };
    expect((await get(b.base, '/api/v1/me', next.token)).status).toBe(200);
    // The spent token, presented to the other replica, is reuse: the session dies everywhere.
    expect((await post(b.base, '/api/v1/refresh-token', { refresh_token: session.refresh_token })).status).toBe(401);
    expect((await get(a.base, '/api/v1/me', next.token)).status).toBe(401);
  });

  it('counts failed logins spread over both replicas as one: the delay, the turn and the block are shared', async () => {
    const [a, b] = replicas;
    const credentials = await register(a.base);
    const wrong = { username: credentials.username, password: 'wrong-password' };
    expect((await post(a.base, '/api/v1/login', wrong)).status).toBe(401);
    expect((await post(b.base, '/api/v1/login', wrong)).status).toBe(401);
    expect((await post(a.base, '/api/v1/login', wrong)).status).toBe(401);
    expect((await post(b.base, '/api/v1/login', wrong)).status).toBe(401); // fourth: the account is delayed 1 s
    // This client waits its turn, told by one replica and honoured by the other.
    const waiting = await post(a.base, '/api/v1/login', credentials);
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers.get('retry-after'))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Its turn: checked on the other replica; the fifth failure from this address blocks it.
    expect((await post(b.base, '/api/v1/login', wrong)).status).toBe(401);
    for (const replica of replicas) {
      const blocked = await post(replica.base, '/api/v1/login', credentials);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    }
  });

  it('refuses at once on one replica a session revoked through the other', async () => {
    const [a, b] = replicas;
    const credentials = await register(a.base);
    const onA = await login(a.base, credentials);
    const onB = await login(b.base, credentials);
    expect((await get(a.base, '/api/v1/organizations', onA.token)).status).toBe(200);
    const change = await post(
      b.base,
      '/api/v1/me/password',
      { current_password: credentials.password, new_password: 'replica-new-password' },
      onB.token,
    );
    expect(change.status).toBe(200);
    expect((await get(a.base, '/api/v1/organizations', onA.token)).status).toBe(401);
    expect((await get(a.base, '/api/v1/organizations', onB.token)).status).toBe(200);
  });
});
