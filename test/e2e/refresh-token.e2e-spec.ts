import { createHash } from 'node:crypto';

import { loginAs, LoginResult, registerUser } from '../support/factories';
import { TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

const CONCURRENT = 12;

const hashOf = (token: string) =>
  createHash('sha256')
    .update(claimsOf(token).jti as string)
    .digest('hex');

interface SessionRow {
  refresh_token_hash: string;
  previous_refresh_token_hash: string | null;
  rotated_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  organization_id: string | null;
}

function helpers(t: TestAppHandle) {
  const refresh = (refreshToken: unknown) => t.api().post('/api/v1/refresh-token').send({ refresh_token: refreshToken });
  const me = (token: string) => t.api().get('/api/v1/me').auth(token, { type: 'bearer' });
  const sessionRow = async (token: string): Promise<SessionRow> => {
    const [row] = await t.dataSource.query<SessionRow[]>('SELECT * FROM sessions WHERE id = $1', [claimsOf(token).sid]);
    return row;
  };
  const race = async (refreshToken: string) => {
    const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => refresh(refreshToken)));
    return {
      winners: responses.filter((r) => r.status === 200).map((r) => r.body as LoginResult),
      statuses: responses.map((r) => r.status),
      codes: responses.filter((r) => r.status !== 200).map((r) => (r.body as { code: string }).code),
    };
  };
  return { refresh, me, sessionRow, race };
}

describe('POST /api/v1/refresh-token', () => {
  const t = useTestApp();
  const { refresh, me, sessionRow, race } = helpers(t);

  it('rotates: answers a new SessionResponse, the new tokens work and the database keeps only hashes', async () => {
    const user = await registerUser(t.api, { name: 'Rota Tion' });
    const login = await loginAs(t.api, user);
    const response = await refresh(login.refresh_token).expect(200);
    const next = response.body as LoginResult;

    expect(Object.keys(next).sort()).toEqual(['current_organization', 'organizations', 'refresh_token', 'token', 'user']);
    expect(next.user).toMatchObject({ id: user.id, email: user.email });
    expect(next.current_organization).toEqual(login.current_organization);
    expect(next.organizations).toEqual(login.organizations);
    expect(next.refresh_token).not.toBe(login.refresh_token);
    expect(claimsOf(next.refresh_token).sid).toBe(claimsOf(login.refresh_token).sid);
    expect(claimsOf(next.token)).toMatchObject({ typ: 'access', sid: claimsOf(login.token).sid, org_role: 'owner' });
    await me(next.token).expect(200);

    const row = await sessionRow(next.token);
    expect(row).toMatchObject({
      refresh_token_hash: hashOf(next.refresh_token),
      previous_refresh_token_hash: hashOf(login.refresh_token),
      revoked_at: null,
    });
    expect(row.rotated_at).not.toBeNull();
    expect(t.rawLogs()).not.toContain(next.refresh_token);
  });

  it('answers a fresh organization list and falls back like login when the session organization is gone', async () => {
    const user = await registerUser(t.api);
    const login = await loginAs(t.api, user);
    const created = await t
      .api()
      .post('/api/v1/organizations')
      .auth(login.token, { type: 'bearer' })
      .send({ name: `Second ${Date.now()}` })
      .expect(200);
    const first = await refresh(login.refresh_token).expect(200);
    expect(first.body.organizations).toHaveLength(2);
    expect(first.body.current_organization.id).toBe(login.current_organization?.id);

    await t.dataSource.query('UPDATE organizations SET deleted_at = now() WHERE id = $1', [login.current_organization?.id]);
    const second = await refresh(first.body.refresh_token).expect(200);
    expect(second.body.current_organization).toEqual(created.body.organization);
    expect(second.body.organizations).toEqual([created.body.organization]);
    expect(claimsOf(second.body.token).org_id).toBe(created.body.organization.id);
    expect((await sessionRow(second.body.token)).organization_id).toBe(created.body.organization.id);
  });

  it('treats an already-rotated token as reuse: 401 refresh_token_reused, and the whole session dies', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const next = (await refresh(login.refresh_token).expect(200)).body as LoginResult;

    const reused = await refresh(login.refresh_token).expect(401);
    expect(reused.body).toEqual({ code: 'refresh_token_reused', message: expect.any(String), details: null });

    expect((await refresh(next.refresh_token).expect(401)).body.code).toBe('unauthorized');
    await me(next.token).expect(401);
    await me(login.token).expect(401);
    expect(await sessionRow(login.token)).toMatchObject({ revoked_reason: 'refresh_reuse', revoked_at: expect.any(Date) });
  });

  it('leaves the other sessions of the user alone when one is revoked for reuse', async () => {
    const user = await registerUser(t.api);
    const victim = await loginAs(t.api, user);
    const other = await loginAs(t.api, user);
    await refresh(victim.refresh_token).expect(200);
    await refresh(victim.refresh_token).expect(401);
    await me(other.token).expect(200);
    await refresh(other.refresh_token).expect(200);
  });

  it('answers 401 unauthorized for garbage, an access token and a token of a logged-out session', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'x'.repeat(5000)]) {
      expect((await refresh(garbage).expect(401)).body).toEqual({
        code: 'unauthorized',
        message: expect.any(String),
        details: null,
      });
    }
    const login = await loginAs(t.api, await registerUser(t.api));
    await refresh(login.token).expect(401);
    await t.api().post('/api/v1/logout').auth(login.token, { type: 'bearer' }).expect(200);
    expect((await refresh(login.refresh_token).expect(401)).body.code).toBe('unauthorized');
  });

  it.each([
    ['a missing refresh_token', {}],
    ['a numeric refresh_token', { refresh_token: 42 }],
    ['an empty refresh_token', { refresh_token: '' }],
    ['an array', { refresh_token: ['a'] }],
  ])('answers 400 invalid_request for %s', async (_case, body) => {
    const response = await t.api().post('/api/v1/refresh-token').send(body).expect(400);
    expect(response.body.code).toBe('invalid_request');
    expect(response.body.details.fields[0].field).toBe('refresh_token');
  });

  it(`lets at most one of ${CONCURRENT} concurrent refreshes with one token win; without grace the losers revoke the session`, async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const { winners, statuses, codes } = await race(login.refresh_token);

    expect(statuses.every((status) => status === 200 || status === 401)).toBe(true);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(codes.length).toBe(CONCURRENT - winners.length);
    expect(codes).toContain('refresh_token_reused');
    const row = await sessionRow(login.token);
    expect(row.revoked_reason).toBe('refresh_reuse');
    if (winners.length === 1) {
      expect(row.refresh_token_hash).toBe(hashOf(winners[0].refresh_token));
      await me(winners[0].token).expect(401);
    }
  });
});

describe('POST /api/v1/refresh-token with REFRESH_REUSE_GRACE_SECONDS=60', () => {
  const t = useTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '60' } });
  const { refresh, me, sessionRow, race } = helpers(t);

  it('refuses the just-rotated token with 401 unauthorized without revoking; the newest token keeps working', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const next = (await refresh(login.refresh_token).expect(200)).body as LoginResult;

    const stale = await refresh(login.refresh_token).expect(401);
    expect(stale.body).toEqual({ code: 'unauthorized', message: expect.stringContaining('just rotated'), details: null });
    expect((await sessionRow(login.token)).revoked_at).toBeNull();
    await me(next.token).expect(200);
    await refresh(next.refresh_token).expect(200);
  });

  it('still revokes for a token two rotations old, and for the predecessor once the window has passed', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const second = (await refresh(login.refresh_token).expect(200)).body as LoginResult;
    await refresh(second.refresh_token).expect(200);
    expect((await refresh(login.refresh_token).expect(401)).body.code).toBe('refresh_token_reused');

    const other = await loginAs(t.api, await registerUser(t.api));
    const rotated = (await refresh(other.refresh_token).expect(200)).body as LoginResult;
    await t.dataSource.query(`UPDATE sessions SET rotated_at = now() - interval '61 seconds' WHERE id = $1`, [
      claimsOf(rotated.token).sid,
    ]);
    expect((await refresh(other.refresh_token).expect(401)).body.code).toBe('refresh_token_reused');
    await me(rotated.token).expect(401);
  });

  it(`lets exactly one of ${CONCURRENT} concurrent refreshes win; the others get 401 and the session keeps one live successor`, async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const { winners, statuses, codes } = await race(login.refresh_token);

    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(winners).toHaveLength(1);
    expect(codes).toEqual(Array.from({ length: CONCURRENT - 1 }, () => 'unauthorized'));
    const row = await sessionRow(login.token);
    expect(row).toMatchObject({
      revoked_at: null,
      refresh_token_hash: hashOf(winners[0].refresh_token),
      previous_refresh_token_hash: hashOf(login.refresh_token),
    });
    const live = await t.dataSource.query<{ count: string }[]>(
      'SELECT count(*)::text AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [claimsOf(login.token).sub],
    );
    expect(live[0].count).toBe('1');
    await me(winners[0].token).expect(200);
    await refresh(winners[0].refresh_token).expect(200);
  });
});

describe('a session ends at SESSION_MAX_LIFETIME however often it is refreshed', () => {
  const t = useTestApp({ env: { REFRESH_TOKEN_TTL: '30m', SESSION_MAX_LIFETIME: '1h' } });
  const { refresh, me, sessionRow } = helpers(t);
  // Refresh tokens for 30 minutes, sessions for at most an hour.
  const REFRESH_TTL = 1800;
  const MAX = 3600;

  const sessionTimes = async (token: string) => {
    const [row] = await t.dataSource.query<{ created_at: Date; expires_at: Date }[]>(
      'SELECT created_at, expires_at FROM sessions WHERE id = $1',
      [claimsOf(token).sid],
    );
    return { created: new Date(row.created_at).getTime() / 1000, expires: new Date(row.expires_at).getTime() / 1000 };
  };
  const age = (token: string, seconds: number) =>
    t.dataSource.query(`UPDATE sessions SET created_at = created_at - make_interval(secs => $2) WHERE id = $1`, [
      claimsOf(token).sid,
      seconds,
    ]);

  it('slides the end by REFRESH_TOKEN_TTL while the maximum is far, then stops at created_at + SESSION_MAX_LIFETIME', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const first = claimsOf(login.refresh_token) as { iat: number; exp: number };
    expect(first.exp - first.iat).toBe(REFRESH_TTL);

    // 40 minutes in: a refresh would slide to 70 minutes, past the hour, so the end is the hour.
    await age(login.token, 2400);
    const capped = await refresh(login.refresh_token).expect(200);
    const { created, expires } = await sessionTimes(login.token);
    expect(Math.abs(expires - (created + MAX))).toBeLessThan(1);
    const refreshClaims = claimsOf(capped.body.refresh_token as string) as { exp: number };
    expect(Math.abs(refreshClaims.exp - (created + MAX))).toBeLessThanOrEqual(1);
    // The access token does not outlive the session either (20 minutes left, not an hour).
    const access = claimsOf(capped.body.token as string) as { iat: number; exp: number };
    expect(access.exp - access.iat).toBeLessThanOrEqual(1201);
    expect(access.exp - access.iat).toBeGreaterThan(1100);
    const listed = await t
      .api()
      .get('/api/v1/me/sessions')
      .auth(capped.body.token as string, { type: 'bearer' })
      .expect(200);
    expect(Math.abs(new Date(listed.body.sessions[0].expires_at as string).getTime() / 1000 - (created + MAX))).toBeLessThan(1);
  });

  it('refuses the refresh once the maximum has passed, with 401 unauthorized and without calling it reuse', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    // What an hour and a bit of refreshing leaves: created over an hour ago, ended at its maximum.
    await t.dataSource.query(
      `UPDATE sessions SET created_at = now() - interval '61 minutes', expires_at = now() - interval '1 minute' WHERE id = $1`,
      [claimsOf(login.token).sid],
    );
    const response = await refresh(login.refresh_token).expect(401);
    expect(response.body.code).toBe('unauthorized');
    expect((await sessionRow(login.token)).revoked_at).toBeNull();
    await me(login.token).expect(401);
  });
});
