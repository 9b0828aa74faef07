import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, importPKCS8, JSONWebKeySet, jwtVerify } from 'jose';

import { SigningKeysService } from '../../src/tokens/signing-keys.service';
import { loginAs, registerUser } from '../support/factories';
import { BOOT_TIMEOUT, createTestApp, TEST_DATA_ENCRYPTION_KEY, TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf, kidOf, openStored, signClaims, storedPrivateKey, storedRefreshTokenKey } from '../support/tokens';

const run = promisify(execFile);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

async function jwksOf(t: TestAppHandle): Promise<JSONWebKeySet> {
  return (await t.api().get('/.well-known/jwks.json').expect(200)).body as JSONWebKeySet;
}

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('GET /.well-known/jwks.json', () => {
  const t = useTestApp();

  it('publishes the public signing key only: kid, alg, use sig, and no private member', async () => {
    const response = await t.api().get('/.well-known/jwks.json').expect(200);
    expect(response.headers['cache-control']).toContain('max-age');
    const { keys } = response.body as JSONWebKeySet;
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const member of PRIVATE_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
  });

  it('lets a service verify an access token offline with jose, checking issuer and algorithm', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const jwks = createLocalJWKSet(await jwksOf(t));
    const { payload, protectedHeader } = await jwtVerify(login.token, jwks, {
      issuer: 'identity-service',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toBe((await jwksOf(t)).keys[0].kid);
    expect(payload).toMatchObject({ typ: 'access', sub: login.user.id, org_id: login.current_organization?.id });

    const remote = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    await expect(jwtVerify(login.token, remote, { issuer: 'identity-service' })).resolves.toBeDefined();
  });

  describe("refresh tokens: HS256 with the service's own key, never published", () => {
    it('signs refresh tokens with a key the JWKS does not publish, so no other service can verify one', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      const refreshKey = await storedRefreshTokenKey(t);
      expect(decodeProtectedHeader(session.refresh_token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: refreshKey.kid });
      const jwks = await jwksOf(t);
      expect(jwks.keys.map((key) => key.kid)).not.toContain(refreshKey.kid);
      await expect(jwtVerify(session.refresh_token, createLocalJWKSet(jwks))).rejects.toThrow();
      await expect(jwtVerify(session.refresh_token, refreshKey.key, { algorithms: ['HS256'] })).resolves.toBeDefined();
    });

    it('refuses a refresh token whose HMAC was made with another secret', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      const { kid } = await storedRefreshTokenKey(t);
      const forged = await signClaims(claimsOf(session.refresh_token), new Uint8Array(randomBytes(48)), kid, 'HS256');
      const response = await t.api().post('/api/v1/refresh-token').send({ refresh_token: forged }).expect(401);
      expect(response.body.code).toBe('unauthorized');
      await t.api().post('/api/v1/refresh-token').send({ refresh_token: session.refresh_token }).expect(200);
    });

    it('never accepts the refresh-token key for an access token', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      const { kid, key } = await storedRefreshTokenKey(t);
      const forged = await signClaims(claimsOf(session.token), key, kid, 'HS256');
      const response = await t.api().get('/api/v1/me').auth(forged, { type: 'bearer' }).expect(401);
      expect(response.body.code).toBe('unauthorized');
    });

    it('still rotates a refresh token signed with the RS256 signing key (issued by an earlier version)', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      const { kid, key } = await storedPrivateKey(t);
      const earlier = await signClaims(claimsOf(session.refresh_token), key, kid);
      const response = await t.api().post('/api/v1/refresh-token').send({ refresh_token: earlier }).expect(200);
      expect(decodeProtectedHeader(response.body.refresh_token as string).alg).toBe('HS256');
      // It was the live token of its session: the one the login answered is now spent.
      const reused = await t.api().post('/api/v1/refresh-token').send({ refresh_token: session.refresh_token }).expect(401);
      expect(reused.body.code).toBe('refresh_token_reused');
    });
  });
});

describe('OpenAPI document of the token lifecycle routes', () => {
  const t = useTestApp();
  let doc: Record<string, any>;

  beforeAll(async () => {
    doc = (await t.api().get('/api/openapi.json').expect(200)).body as Record<string, any>;
  });

  const errorsOf = (operation: Record<string, any>) =>
    Object.keys(operation.responses as object)
      .filter((s) => s !== '200')
      .sort();
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  it.each([
    ['/api/v1/refresh-token', 'post', 'RefreshTokenDto', 'SessionResponse', ['400', '401', '413', '415', '429'], false],
    ['/api/v1/logout', 'post', undefined, 'LoggedOutResponse', ['401'], true],
    ['/api/v1/me', 'get', undefined, 'MeResponse', ['401'], true],
    ['/api/v1/me', 'patch', 'UpdateMeDto', 'UserEnvelope', ['400', '401', '403', '413', '415'], true],
    [
      '/api/v1/me/switch-organization',
      'post',
      'SwitchOrganizationDto',
      'SessionResponse',
      ['400', '401', '403', '413', '415'],
      true,
    ],
    ['/api/v1/me/sessions', 'get', undefined, 'SessionList', ['401'], true],
    ['/api/v1/me/sessions/{id}', 'delete', undefined, 'DeletedResponse', ['401', '404'], true],
    ['/.well-known/jwks.json', 'get', undefined, 'JwksResponse', [], false],
  ])(
    'documents %s %s with its schemas, every error status and its security',
    (path, method, request, response, errors, bearer) => {
      const operation = doc.paths[path][method];
      if (request) expect(operation.requestBody.content['application/json'].schema).toEqual(ref(request));
      expect(operation.responses['200'].content['application/json'].schema).toEqual(ref(response));
      expect(errorsOf(operation)).toEqual(errors);
      for (const status of errors)
        expect(operation.responses[status].content['application/json'].schema).toEqual(ref('ErrorResponseDto'));
      if (bearer) expect(operation.security).toEqual([{ bearer: [] }]);
      else expect(operation.security).toBeUndefined();
    },
  );

  it('describes a session item field for field', () => {
    expect(Object.keys(doc.components.schemas.SessionResponseItem.properties).sort()).toEqual([
      'created_at',
      'current',
      'expires_at',
      'id',
      'ip',
      'last_used_at',
      'user_agent',
    ]);
  });
});

describe('key rotation by `npm run keys:rotate`', () => {
  const t = useTestApp();

  const rotateKeys = async () => {
    const databaseUrl = (t.dataSource.options as { url: string }).url;
    const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/tokens/cli/rotate-keys.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY, NODE_ENV: 'test' },
    });
    return stdout;
  };
  const storedMaterial = async (kid: string) => {
    const [row] = await t.dataSource.query<{ material: string }[]>('SELECT material FROM signing_keys WHERE kid = $1', [kid]);
    return row && openStored(t, 'signing_keys', kid, row.material);
  };

  it('signs with the new key, keeps accepting and publishing the old one until its tokens expire, then not', async () => {
    const user = await registerUser(t.api);
    const before = await loginAs(t.api, user);
    const other = await loginAs(t.api, user);
    const oldKid = kidOf(before.token);

    expect(await rotateKeys()).toContain(`retired: ${oldKid}`);
    const { kid: newKid, key: newKey } = await storedPrivateKey(t);
    expect(newKid).not.toBe(oldKid);
    // Nothing signs with a retired key again: only its public half stays in the database.
    const retiredMaterial = await storedMaterial(oldKid);
    expect(retiredMaterial).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(retiredMaterial).not.toContain('PRIVATE');

    // A token of the new key (as another replica would now issue) is accepted at once: an unknown kid reloads the keys.
    const fromReplica = await signClaims(claimsOf(before.token), newKey, newKid);
    await t.api().get('/api/v1/me').auth(fromReplica, { type: 'bearer' }).expect(200);

    const after = await loginAs(t.api, user);
    expect(kidOf(after.token)).toBe(newKid);
    expect((await jwksOf(t)).keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    await t.api().get('/api/v1/me').auth(before.token, { type: 'bearer' }).expect(200);
    const refreshed = await t.api().post('/api/v1/refresh-token').send({ refresh_token: before.refresh_token }).expect(200);
    expect(kidOf(refreshed.body.token as string)).toBe(newKid);
    await expect(
      jwtVerify(before.token, createLocalJWKSet(await jwksOf(t)), { issuer: 'identity-service' }),
    ).resolves.toBeDefined();

    await t.api().get('/api/v1/me').auth(other.token, { type: 'bearer' }).expect(200);

    // Once the retirement is older than the longest token lifetime, the old key is gone.
    await t.dataSource.query(`UPDATE signing_keys SET retired_at = now() - interval '31 days' WHERE kid = $1`, [oldKid]);
    await t.app.get(SigningKeysService).reload();
    expect((await t.api().get('/api/v1/me').auth(other.token, { type: 'bearer' }).expect(401)).body.code).toBe('unauthorized');
    expect((await jwksOf(t)).keys.map((key) => key.kid)).toEqual([newKid]);
    await t
      .api()
      .get('/api/v1/me')
      .auth(refreshed.body.token as string, { type: 'bearer' })
      .expect(200);

    // The next rotation deletes it; the key it retires now stays (public half) for its tokens.
    const second = await rotateKeys();
    expect(second).toContain(`retired: ${newKid}`);
    expect(second).toContain(oldKid);
    expect(await storedMaterial(oldKid)).toBeUndefined();
    expect(await storedMaterial(newKid)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    await t.app.get(SigningKeysService).reload();
    await t
      .api()
      .get('/api/v1/me')
      .auth(refreshed.body.token as string, { type: 'bearer' })
      .expect(200);
  });
});

describe('key rotation by configuration: JWT_PRIVATE_KEY with JWT_PREVIOUS_PUBLIC_KEYS', () => {
  const previous = rsaKeyPair();
  const current = rsaKeyPair();
  const t = useTestApp({ env: { JWT_PRIVATE_KEY: current.privatePem, JWT_PREVIOUS_PUBLIC_KEYS: previous.publicPem } });

  it('signs with the configured key, and publishes and accepts the previous one; no key is stored', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const { keys } = await jwksOf(t);
    expect(keys).toHaveLength(2);
    expect(keys[0].kid).toBe(kidOf(login.token));
    await expect(jwtVerify(login.token, createLocalJWKSet({ keys }), { issuer: 'identity-service' })).resolves.toBeDefined();

    const previousKid = keys[1].kid as string;
    const issuedBefore = await signClaims(claimsOf(login.token), await importPKCS8(previous.privatePem, 'RS256'), previousKid);
    await t.api().get('/api/v1/me').auth(issuedBefore, { type: 'bearer' }).expect(200);

    const stranger = await importPKCS8(rsaKeyPair().privatePem, 'RS256');
    await t
      .api()
      .get('/api/v1/me')
      .auth(await signClaims(claimsOf(login.token), stranger, previousKid), { type: 'bearer' })
      .expect(401);
    expect(await t.dataSource.query('SELECT kid FROM signing_keys')).toEqual([]);
  });
});

describe('other algorithms', () => {
  it(
    'HS256 publishes no key at all, and its tokens still work here',
    async () => {
      const t = await createTestApp({ env: { JWT_ALGORITHM: 'HS256' } });
      try {
        expect(await jwksOf(t)).toEqual({ keys: [] });
        const login = await loginAs(t.api, await registerUser(t.api));
        expect(claimsOf(login.token)).toBeDefined();
        await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
        await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(200);
      } finally {
        await t.close();
      }
    },
    BOOT_TIMEOUT,
  );

  it(
    'ES256 publishes a P-256 key that verifies its tokens offline',
    async () => {
      const t = await createTestApp({ env: { JWT_ALGORITHM: 'ES256' } });
      try {
        const { keys } = await jwksOf(t);
        expect(keys).toEqual([
          {
            kty: 'EC',
            crv: 'P-256',
            x: expect.any(String),
            y: expect.any(String),
            kid: expect.any(String),
            alg: 'ES256',
            use: 'sig',
          },
        ]);
        const login = await loginAs(t.api, await registerUser(t.api));
        await expect(jwtVerify(login.token, createLocalJWKSet({ keys }), { algorithms: ['ES256'] })).resolves.toBeDefined();
        await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
      } finally {
        await t.close();
      }
    },
    BOOT_TIMEOUT,
  );
});
