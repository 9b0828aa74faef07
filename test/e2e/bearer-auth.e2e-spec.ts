import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';

import { importPKCS8 } from 'jose';

import { loginAs, LoginResult, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';
import { claimsOf, kidOf, segment, signClaims, storedPrivateKey } from '../support/tokens';

describe('bearer authentication (the global guard)', () => {
  const t = useTestApp();
  let session: LoginResult;

  beforeAll(async () => {
    session = await loginAs(t.api, await registerUser(t.api));
  });

  const me = (token: string) => t.api().get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  // GET /me reads the profile in the guard's statement; GET /me/sessions runs the plain check.
  async function expectRefused(token: string): Promise<void> {
    for (const path of ['/api/v1/me', '/api/v1/me/sessions']) {
      const response = await t.api().get(path).auth(token, { type: 'bearer' }).expect(401);
      expect(response.body).toEqual({ code: 'unauthorized', message: expect.any(String), details: null });
    }
  }

  it('accepts the access token that login issued', async () => {
    const response = await me(session.token).expect(200);
    expect(response.body.user.id).toBe(claimsOf(session.token).sub);
  });

  it('answers 401 unauthorized without a token, with another scheme, or with a token that is not a JWT', async () => {
    for (const header of [
      undefined,
      `Basic ${session.token}`,
      'Bearer',
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      `Bearer ${session.token}x!`,
    ]) {
      const request = t.api().get('/api/v1/me');
      const response = await (header === undefined ? request : request.set('Authorization', header)).expect(401);
      expect(response.body.code).toBe('unauthorized');
    }
  });

  it('refuses an unsigned token (alg none) carrying valid claims and a real kid', async () => {
    const header = { alg: 'none', typ: 'JWT', kid: kidOf(session.token) };
    await expectRefused(`${segment(header)}.${segment(claimsOf(session.token))}.`);
    await expectRefused(`${segment({ ...header, alg: 'None' })}.${segment(claimsOf(session.token))}.`);
  });

  it('refuses an HS256 token whose secret is the published RS256 public key (algorithm confusion)', async () => {
    const jwks = (await t.api().get('/.well-known/jwks.json').expect(200)).body as { keys: Record<string, string>[] };
    const jwk = jwks.keys.find((key) => key.kid === kidOf(session.token)) as Record<string, string>;
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    for (const secret of [pem, pem.trim(), JSON.stringify(jwk)]) {
      const signingInput = `${segment({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${segment(claimsOf(session.token))}`;
      const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
      await expectRefused(`${signingInput}.${signature}`);
    }
  });

  it('refuses a token signed by a foreign key, under an unknown kid or under the real kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
    await expectRefused(await signClaims(claimsOf(session.token), foreign, 'some-other-kid'));
    await expectRefused(await signClaims(claimsOf(session.token), foreign, kidOf(session.token)));
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = session.token.split('.');
    const claims = claimsOf(session.token);
    for (const tampered of [
      { ...claims, email: 'attacker@example.com', org_role: 'viewer' },
      { ...claims, exp: (claims.exp as number) + 3600 },
    ]) {
      await expectRefused(`${header}.${segment(tampered)}.${signature}`);
    }
    await expectRefused(`${header}.${session.token.split('.')[1]}.${signature.slice(0, -4)}AAAA`);
  });

  it('refuses an expired access token signed with the real key', async () => {
    const { kid, key } = await storedPrivateKey(t);
    const now = Math.floor(Date.now() / 1000);
    const valid = await signClaims({ ...claimsOf(session.token), iat: now - 60, exp: now + 60 }, key, kid);
    await me(valid).expect(200);
    await expectRefused(await signClaims({ ...claimsOf(session.token), iat: now - 7200, exp: now - 3600 }, key, kid));
  });

  it('refuses a real-key token with another issuer, without a kid, or with a non-uuid session', async () => {
    const { kid, key } = await storedPrivateKey(t);
    const claims = claimsOf(session.token);
    await expectRefused(await signClaims({ ...claims, iss: 'someone-else' }, key, kid));
    await expectRefused(await signClaims({ ...claims, sid: "x' OR '1'='1" }, key, kid));
    await expectRefused(await signClaims({ ...claims, org_id: 'not-a-uuid' }, key, kid));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
    await expectRefused(await signClaims(claims, foreign, ''));
  });

  it('never accepts a refresh token as an access token, nor an access token as a refresh token', async () => {
    const fresh = await loginAs(t.api, await registerUser(t.api));
    await expectRefused(fresh.refresh_token);
    const response = await t.api().post('/api/v1/refresh-token').send({ refresh_token: fresh.token }).expect(401);
    expect(response.body.code).toBe('unauthorized');
    // Both still work for what they are.
    await me(fresh.token).expect(200);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: fresh.refresh_token }).expect(200);
  });

  it('refuses a real-key access token retyped as a refresh token and the reverse', async () => {
    const { kid, key } = await storedPrivateKey(t);
    const fresh = await loginAs(t.api, await registerUser(t.api));
    await expectRefused(await signClaims({ ...claimsOf(fresh.refresh_token), typ: 'access' }, key, kid));
    const retyped = await signClaims({ ...claimsOf(fresh.token), typ: 'refresh' }, key, kid);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: retyped }).expect(401);
  });

  it('refuses the token at once when its session is revoked, its user deleted or its organization deleted', async () => {
    const revoked = await loginAs(t.api, await registerUser(t.api));
    await t.dataSource.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1`, [
      claimsOf(revoked.token).sid,
    ]);
    await expectRefused(revoked.token);

    const expired = await loginAs(t.api, await registerUser(t.api));
    await t.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      claimsOf(expired.token).sid,
    ]);
    await expectRefused(expired.token);

    const deletedUser = await loginAs(t.api, await registerUser(t.api));
    await t.dataSource.query('DELETE FROM users WHERE id = $1', [claimsOf(deletedUser.token).sub]);
    await expectRefused(deletedUser.token);

    const deletedOrg = await loginAs(t.api, await registerUser(t.api));
    await t.dataSource.query('UPDATE organizations SET deleted_at = now() WHERE id = $1', [deletedOrg.current_organization?.id]);
    await expectRefused(deletedOrg.token);
  });

  it('lets public routes through without a token', async () => {
    await t.api().get('/.well-known/jwks.json').expect(200);
    await t.api().get('/healthz').expect(200);
  });
});
