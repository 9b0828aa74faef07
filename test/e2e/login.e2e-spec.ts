import { createHash } from 'node:crypto';

import * as bcrypt from 'bcrypt';
import { decodeJwt, decodeProtectedHeader } from 'jose';

import { loginAs, newCredentials, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';

const OWNER_PERMISSIONS_COUNT = 30;

describe('POST /api/v1/login', () => {
  const t = useTestApp({ env: { BCRYPT_COST: '5' } });

  it('answers the seed SessionResponse: tokens, user, current organization and all organizations', async () => {
    const user = await registerUser(t.api, { name: 'Onur Kacmaz' });
    const response = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(200);

    expect(Object.keys(response.body).sort()).toEqual([
      'current_organization',
      'organizations',
      'refresh_token',
      'token',
      'user',
    ]);
    expect(response.body.user).toEqual({
      id: user.id,
      name: 'Onur Kacmaz',
      email: user.email,
      role: 'admin',
      email_verified_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const organization = { id: expect.any(String), slug: 'onur-kacmaz', name: 'Onur Kacmaz', role: 'owner' };
    expect(response.body.current_organization).toEqual(organization);
    expect(response.body.organizations).toEqual([organization]);
  });

  it('issues an access token of one hour with the contract claims and a kid', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const header = decodeProtectedHeader(session.token);
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });

    const claims = decodeJwt(session.token);
    expect(Object.keys(claims).sort()).toEqual(
      [
        'email',
        'exp',
        'iat',
        'iss',
        'jti',
        'org_id',
        'org_role',
        'org_slug',
        'permissions',
        'sid',
        'sub',
        'sys_role',
        'typ',
      ].sort(),
    );
    expect(claims).toMatchObject({
      iss: 'identity-service',
      sub: user.id,
      typ: 'access',
      email: user.email,
      sys_role: 'admin',
      org_id: session.current_organization?.id,
      org_slug: session.current_organization?.slug,
      org_role: 'owner',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(claims.permissions).toHaveLength(OWNER_PERMISSIONS_COUNT);
    expect(claims.permissions).toEqual(expect.arrayContaining(['org.delete', 'members.invite', 'audit.read']));
  });

  it('issues a refresh token of thirty days carrying only typ, sub, sid, jti, iat and exp', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    expect(decodeProtectedHeader(session.refresh_token).kid).toEqual(expect.any(String));
    const claims = decodeJwt(session.refresh_token);
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'jti', 'sid', 'sub', 'typ']);
    expect(claims).toMatchObject({ typ: 'refresh', sub: user.id, sid: decodeJwt(session.token).sid });
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 86400);
  });

  it('records a session per login, keeping only a hash of the refresh token id', async () => {
    const user = await registerUser(t.api);
    const response = await t
      .api()
      .post('/api/v1/login')
      .set('User-Agent', 'e2e-agent/1.0')
      .send({ username: user.email, password: user.password })
      .expect(200);
    const { sid, jti } = decodeJwt(response.body.refresh_token) as { sid: string; jti: string };
    const rows = await t.dataSource.query<Record<string, unknown>[]>('SELECT * FROM sessions WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: sid,
      refresh_token_hash: createHash('sha256').update(jti).digest('hex'),
      user_agent: 'e2e-agent/1.0',
      ip: expect.stringContaining('127.0.0.1'),
      revoked_at: null,
    });
    expect(JSON.stringify(rows)).not.toContain(jti);
  });

  it('answers every one of ten concurrent logins of different users', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => registerUser(t.api)));
    const responses = await Promise.all(
      users.map((user) => t.api().post('/api/v1/login').timeout(20_000).send({ username: user.email, password: user.password })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.map((r) => (r.body as { user: { id: string } }).user.id)).toEqual(users.map((u) => u.id));
  });

  it('matches the email in any letter case, ignores surrounding spaces, and answers it in its normalised form', async () => {
    const user = await registerUser(t.api, { email: `Mixed.Case-${Date.now()}@Example.COM` });
    const response = await t
      .api()
      .post('/api/v1/login')
      .send({ username: `  ${user.email.toUpperCase()} `, password: user.password })
      .expect(200);
    expect(response.body.user.email).toBe(user.email.toLowerCase());
  });

  it('answers 401 invalid_credentials for a wrong password', async () => {
    const user = await registerUser(t.api);
    const response = await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    expect(response.body).toEqual({ code: 'invalid_credentials', message: expect.any(String), details: null });
  });

  it('answers 404 account_not_found for an unknown email', async () => {
    const response = await t
      .api()
      .post('/api/v1/login')
      .send({ username: newCredentials().email, password: 'whatever-password' })
      .expect(404);
    expect(response.body).toEqual({ code: 'account_not_found', message: expect.any(String), details: null });
  });

  it.each([
    ['an empty body', {}],
    ['a missing password', { username: 'someone@example.com' }],
    ['an empty password', { username: 'someone@example.com', password: '' }],
    ['a username that is not an email', { username: 'someone', password: 'password123' }],
    ['a numeric password', { username: 'someone@example.com', password: 12345678 }],
    ['an object as username', { username: { $gt: '' }, password: 'password123' }],
  ])('answers 400 invalid_request, not 401, for %s', async (_case, body) => {
    const response = await t.api().post('/api/v1/login').send(body).expect(400);
    expect(response.body.code).toBe('invalid_request');
    expect(response.body.details.fields.length).toBeGreaterThan(0);
  });

  it('answers 400 for a JSON array and for malformed JSON', async () => {
    await t.api().post('/api/v1/login').set('Content-Type', 'application/json').send('[]').expect(400);
    const response = await t.api().post('/api/v1/login').set('Content-Type', 'application/json').send('{"username"').expect(400);
    expect(response.body.code).toBe('invalid_request');
  });

  it('upgrades a hash of a lower cost at the next successful login, and the password still works', async () => {
    const user = await registerUser(t.api);
    const weak = await bcrypt.hash(user.password, 4);
    await t.dataSource.query('UPDATE users SET password_hash = $1 WHERE id = $2', [weak, user.id]);

    await loginAs(t.api, user);
    const [row] = await t.dataSource.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(bcrypt.getRounds(row.password_hash)).toBe(5);
    expect(row.password_hash).not.toBe(weak);
    await loginAs(t.api, user);
  });

  it('leaves the hash alone after a failed login', async () => {
    const user = await registerUser(t.api);
    const weak = await bcrypt.hash(user.password, 4);
    await t.dataSource.query('UPDATE users SET password_hash = $1 WHERE id = $2', [weak, user.id]);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'not-the-password' }).expect(401);
    const [row] = await t.dataSource.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(row.password_hash).toBe(weak);
  });

  describe('current organization', () => {
    async function addOrganization(userId: string, slug: string, joinedAt: string): Promise<string> {
      const [organization] = await t.dataSource.query<{ id: string }[]>(
        'INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id',
        [slug],
      );
      await t.dataSource.query(
        `INSERT INTO memberships (user_id, organization_id, role_id, created_at) VALUES ($1, $2, '00000000-0000-4000-8000-000000000005', $3)`,
        [userId, organization.id, joinedAt],
      );
      return organization.id;
    }

    it('is the organization the user last used, and organizations lists every live one', async () => {
      const user = await registerUser(t.api);
      const older = await addOrganization(user.id, `older-${Date.now()}`, '2000-01-01T00:00:00Z');
      const session = await loginAs(t.api, user);
      expect(session.organizations.map((o) => o.id)).toEqual([older, expect.any(String)]);
      expect(session.current_organization?.role).toBe('owner');
      expect(session.current_organization?.id).not.toBe(older);
    });

    it('falls back to the oldest membership when the last used organization is gone', async () => {
      const user = await registerUser(t.api);
      const older = await addOrganization(user.id, `gone-${Date.now()}`, '2000-01-01T00:00:00Z');
      const first = await loginAs(t.api, user);
      const initial = first.current_organization?.id as string;
      await t.dataSource.query('UPDATE organizations SET deleted_at = now() WHERE id = $1', [initial]);

      const session = await loginAs(t.api, user);
      expect(session.current_organization).toMatchObject({ id: older, role: 'viewer' });
      expect(session.organizations.map((o) => o.id)).toEqual([older]);
    });

    it('is null for a user who belongs to no organization', async () => {
      const user = await registerUser(t.api);
      await t.dataSource.query('DELETE FROM memberships WHERE user_id = $1', [user.id]);
      const session = await loginAs(t.api, user);
      expect(session.current_organization).toBeNull();
      expect(session.organizations).toEqual([]);
      expect(decodeJwt(session.token)).toMatchObject({ org_id: null, org_role: null, permissions: [] });
    });
  });

  it('never writes a password, hash or token to the log', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    const [row] = await t.dataSource.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    const logs = t.rawLogs();
    expect(logs).toContain('/api/v1/login');
    for (const secret of [user.password, 'wrong-password', row.password_hash, session.token, session.refresh_token]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('POST /api/v1/login with LOGIN_HIDE_UNKNOWN_ACCOUNTS=true', () => {
  const t = useTestApp({ env: { LOGIN_HIDE_UNKNOWN_ACCOUNTS: 'true' } });

  it('answers 401 invalid_credentials for an unknown email, as for a wrong password', async () => {
    const unknown = await t
      .api()
      .post('/api/v1/login')
      .send({ username: newCredentials().email, password: 'whatever-pw' })
      .expect(401);
    const user = await registerUser(t.api);
    const wrong = await t.api().post('/api/v1/login').send({ username: user.email, password: 'whatever-pw' }).expect(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});
