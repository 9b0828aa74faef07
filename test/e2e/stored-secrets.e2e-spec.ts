import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataCipher } from '../../src/secrets/data-cipher';
import { serverUrl } from '../support/database';
import { loginAs, registerUser } from '../support/factories';
import { createTestApp, TEST_DATA_ENCRYPTION_KEY, TestApp, TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf, signClaims } from '../support/tokens';

type Row = { kid: string; value: string };
const readRefreshKey = async (t: TestAppHandle) =>
  (await t.dataSource.query<Row[]>('SELECT kid, secret AS value FROM refresh_token_keys'))[0];
const readSigningKeys = (t: TestAppHandle) => t.dataSource.query<Row[]>('SELECT kid, material AS value FROM signing_keys');

/** What someone who can read the database (a backup, a replica) builds from it: a refresh token of the victim's session. */
async function forgeRefreshToken(t: TestAppHandle, victimRefreshToken: string, jti: string): Promise<string> {
  const { kid, value } = await readRefreshKey(t);
  const { sub, sid, iat, exp } = claimsOf(victimRefreshToken);
  return signClaims({ sub, sid, jti, typ: 'refresh', iat, exp }, new Uint8Array(Buffer.from(value)), kid, 'HS256');
}

describe('stored secrets: a database read alone mints no token', () => {
  const t = useTestApp();

  it('stores the refresh-token key and the signing key encrypted, with no trace of a PEM', async () => {
    await loginAs(t.api, await registerUser(t.api));
    const rows = [await readRefreshKey(t), ...(await readSigningKeys(t))];
    for (const { value } of rows) {
      expect(value).toMatch(/^enc:v1:[A-Za-z0-9_-]{12}:[A-Za-z0-9_-]+$/);
      expect(value).not.toContain('PRIVATE KEY');
    }
  });

  it('refuses a refresh token forged with the secret read from the database, and the victim keeps the session', async () => {
    const victim = await loginAs(t.api, await registerUser(t.api));
    const forged = await forgeRefreshToken(t, victim.refresh_token, randomUUID());
    const refused = await t.api().post('/api/v1/refresh-token').send({ refresh_token: forged }).expect(401);
    expect(refused.body.code).toBe('unauthorized');
    // Not taken for an earlier token of the chain: the forgery revokes nothing.
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: victim.refresh_token }).expect(200);
  });

  it('refuses the forged token even when the attacker can also rewrite the session row to expect it', async () => {
    const victim = await loginAs(t.api, await registerUser(t.api));
    const jti = randomUUID();
    await t.dataSource.query('UPDATE sessions SET refresh_token_hash = $1 WHERE id = $2', [
      createHash('sha256').update(jti).digest('hex'),
      claimsOf(victim.refresh_token).sid,
    ]);
    const forged = await forgeRefreshToken(t, victim.refresh_token, jti);
    const refused = await t.api().post('/api/v1/refresh-token').send({ refresh_token: forged }).expect(401);
    expect(refused.body).not.toHaveProperty('token');
  });
});

describe('stored secrets: a generated HS256 signing secret', () => {
  const t = useTestApp({ env: { JWT_ALGORITHM: 'HS256' } });

  it('is useless to whoever reads it from the database: an access token signed with it is refused', async () => {
    const session = await loginAs(t.api, await registerUser(t.api));
    const [{ kid, value }] = await readSigningKeys(t);
    const forged = await signClaims(claimsOf(session.token), new Uint8Array(Buffer.from(value)), kid, 'HS256');
    await t.api().get('/api/v1/me').auth(forged, { type: 'bearer' }).expect(401);
    await t.api().get('/api/v1/me').auth(session.token, { type: 'bearer' }).expect(200);
  });
});

/**
 * One database, several starts: the test server's database kept between apps, or an embedded
 * database in a DATA_DIR of the test's own.
 */
describe('stored secrets across starts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'identity-secrets-'));
  let previous: TestApp | undefined;
  afterAll(async () => {
    await previous?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}): Promise<TestApp> => {
    const before = previous;
    await before?.close({ keepDatabase: true });
    previous = undefined;
    const app = await createTestApp({
      env: serverUrl() ? env : { DATA_DIR: dataDir, ...env },
      databaseOf: serverUrl() ? before : undefined,
    });
    previous = app;
    return app;
  };
  const cipherOf = (key: string) => new DataCipher(Buffer.from(key, 'base64'));
  const allRows = async (t: TestApp) => [await readRefreshKey(t), ...(await readSigningKeys(t))];

  it('encrypts keys an earlier version stored in plain form at the next start; their tokens stay valid', async () => {
    const first = await start();
    const user = await registerUser(first.api);
    const session = await loginAs(first.api, user);
    // As an earlier version left them: in plain form.
    const testKey = cipherOf(TEST_DATA_ENCRYPTION_KEY);
    for (const { kid, value } of await readSigningKeys(first)) {
      await first.dataSource.query('UPDATE signing_keys SET material = $1 WHERE kid = $2', [
        testKey.open(value, `signing_keys ${kid}`),
        kid,
      ]);
    }
    const refresh = await readRefreshKey(first);
    await first.dataSource.query('UPDATE refresh_token_keys SET secret = $1 WHERE kid = $2', [
      testKey.open(refresh.value, `refresh_token_keys ${refresh.kid}`),
      refresh.kid,
    ]);

    const upgraded = await start();
    for (const { value } of await allRows(upgraded)) expect(testKey.isCurrent(value)).toBe(true);
    expect(upgraded.logs.some((line) => line.msg === 'stored keys encrypted with the current data key')).toBe(true);
    await upgraded.api().get('/api/v1/me').auth(session.token, { type: 'bearer' }).expect(200);
    await upgraded.api().post('/api/v1/refresh-token').send({ refresh_token: session.refresh_token }).expect(200);
  });

  it('refuses to start with another data key, saying which; with the old one as previous, re-encrypts with the new', async () => {
    const rotated = randomBytes(32).toString('base64');
    await start();
    await expect(start({ DATA_ENCRYPTION_KEY: rotated })).rejects.toThrow(
      /encrypted with data key .* neither DATA_ENCRYPTION_KEY/,
    );

    const app = await start({ DATA_ENCRYPTION_KEY: rotated, DATA_ENCRYPTION_PREVIOUS_KEYS: TEST_DATA_ENCRYPTION_KEY });
    for (const { value } of await allRows(app)) expect(cipherOf(rotated).isCurrent(value)).toBe(true);
    await loginAs(app.api, await registerUser(app.api));
  });
});
