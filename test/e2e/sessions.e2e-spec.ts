import { loginAs, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

interface SessionItem {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
}

describe('logout and sessions', () => {
  const t = useTestApp();

  const sessionsOf = async (token: string): Promise<SessionItem[]> =>
    (await t.api().get('/api/v1/me/sessions').auth(token, { type: 'bearer' }).expect(200)).body.sessions as SessionItem[];

  it('POST /logout answers {logged_out: true} and the session dies at once, access and refresh tokens alike', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const response = await t.api().post('/api/v1/logout').auth(login.token, { type: 'bearer' }).expect(200);
    expect(response.body).toEqual({ logged_out: true });
    await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(401);
    await t.api().post('/api/v1/logout').auth(login.token, { type: 'bearer' }).expect(401);
    expect((await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(401)).body.code).toBe(
      'unauthorized',
    );
    const [row] = await t.dataSource.query<{ revoked_reason: string }[]>('SELECT revoked_reason FROM sessions WHERE id = $1', [
      claimsOf(login.token).sid,
    ]);
    expect(row.revoked_reason).toBe('logout');
  });

  it('logout leaves the other sessions of the user alive', async () => {
    const user = await registerUser(t.api);
    const first = await loginAs(t.api, user);
    const second = await loginAs(t.api, user);
    await t.api().post('/api/v1/logout').auth(first.token, { type: 'bearer' }).expect(200);
    await t.api().get('/api/v1/me').auth(second.token, { type: 'bearer' }).expect(200);
  });

  it("GET /me/sessions lists only the caller's live sessions, marking the current one", async () => {
    const user = await registerUser(t.api);
    const phone = await t
      .api()
      .post('/api/v1/login')
      .set('User-Agent', 'phone/1.0')
      .send({ username: user.email, password: user.password })
      .expect(200);
    const laptop = await loginAs(t.api, user);
    const gone = await loginAs(t.api, user);
    await t.api().post('/api/v1/logout').auth(gone.token, { type: 'bearer' }).expect(200);
    await loginAs(t.api, await registerUser(t.api));

    const sessions = await sessionsOf(laptop.token);
    expect(sessions.map((s) => s.id).sort()).toEqual([claimsOf(phone.body.token).sid, claimsOf(laptop.token).sid].sort());
    const current = sessions.find((s) => s.current) as SessionItem;
    expect(current.id).toBe(claimsOf(laptop.token).sid);
    const other = sessions.find((s) => !s.current) as SessionItem;
    expect(other).toEqual({
      id: claimsOf(phone.body.token).sid,
      created_at: expect.stringMatching(/Z$/),
      last_used_at: expect.stringMatching(/Z$/),
      expires_at: expect.stringMatching(/Z$/),
      user_agent: 'phone/1.0',
      ip: expect.stringContaining('127.0.0.1'),
      current: false,
    });
    expect(Date.parse(other.expires_at) - Date.parse(other.created_at)).toBeGreaterThan(29 * 86400 * 1000);
  });

  it('keeps last_used_at meaningful: a refresh moves it and slides the expiry', async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const sid = claimsOf(login.token).sid as string;
    await t.dataSource.query(
      `UPDATE sessions SET last_used_at = now() - interval '1 hour', expires_at = now() + interval '1 day' WHERE id = $1`,
      [sid],
    );
    const before = (await sessionsOf(login.token)).find((s) => s.id === sid) as SessionItem;
    // The request above is an access older than a minute after the last use: it was recorded.
    expect(Date.now() - Date.parse(before.last_used_at)).toBeLessThan(60_000);

    await t.dataSource.query(`UPDATE sessions SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [sid]);
    const next = (await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(200)).body;
    const [row] = await t.dataSource.query<{ last_used_at: Date; expires_at: Date }[]>(
      'SELECT last_used_at, expires_at FROM sessions WHERE id = $1',
      [sid],
    );
    expect(Date.now() - row.last_used_at.getTime()).toBeLessThan(60_000);
    expect(Math.abs(row.expires_at.getTime() - (claimsOf(next.refresh_token as string).exp as number) * 1000)).toBeLessThan(2000);
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 86400 * 1000);
  });

  it('DELETE /me/sessions/{id} answers {deleted: true} and that session dies at once', async () => {
    const user = await registerUser(t.api);
    const keeper = await loginAs(t.api, user);
    const victim = await loginAs(t.api, user);
    const response = await t
      .api()
      .delete(`/api/v1/me/sessions/${claimsOf(victim.token).sid as string}`)
      .auth(keeper.token, { type: 'bearer' })
      .expect(200);
    expect(response.body).toEqual({ deleted: true });
    await t.api().get('/api/v1/me').auth(victim.token, { type: 'bearer' }).expect(401);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: victim.refresh_token }).expect(401);
    expect((await sessionsOf(keeper.token)).map((s) => s.id)).toEqual([claimsOf(keeper.token).sid]);
    // Deleting it again: it is no longer live.
    await t
      .api()
      .delete(`/api/v1/me/sessions/${claimsOf(victim.token).sid as string}`)
      .auth(keeper.token, { type: 'bearer' })
      .expect(404);
  });

  it("answers 404 not_found for an unknown id, another user's session and a malformed id, never 500", async () => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const stranger = await loginAs(t.api, await registerUser(t.api));
    for (const id of [
      '6f1c2a9e-0000-4000-8000-000000000000',
      claimsOf(stranger.token).sid as string,
      'not-a-uuid',
      "1' OR '1'='1",
      '%00',
    ]) {
      const response = await t
        .api()
        .delete(`/api/v1/me/sessions/${encodeURIComponent(id)}`)
        .auth(login.token, { type: 'bearer' })
        .expect(404);
      expect(response.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
    }
    await t.api().get('/api/v1/me').auth(stranger.token, { type: 'bearer' }).expect(200);
  });

  it('answers 401 without a token', async () => {
    await t.api().post('/api/v1/logout').expect(401);
    await t.api().get('/api/v1/me/sessions').expect(401);
    await t.api().delete('/api/v1/me/sessions/6f1c2a9e-0000-4000-8000-000000000000').expect(401);
  });

  it('records the peer address, not X-Forwarded-For, when TRUST_PROXY is unset', async () => {
    const user = await registerUser(t.api);
    const login = await t
      .api()
      .post('/api/v1/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .send({ username: user.email, password: user.password })
      .expect(200);
    const [session] = await sessionsOf(login.body.token as string);
    expect(session.ip).toContain('127.0.0.1');
  });
});

describe('sessions behind a proxy (TRUST_PROXY=loopback)', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback' } });

  it('shows the X-Forwarded-For client address, at sign-in and after a refresh', async () => {
    const user = await registerUser(t.api);
    const login = await t
      .api()
      .post('/api/v1/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .send({ username: user.email, password: user.password })
      .expect(200);
    const list = async (token: string) =>
      (await t.api().get('/api/v1/me/sessions').auth(token, { type: 'bearer' }).expect(200)).body.sessions as SessionItem[];
    expect((await list(login.body.token as string))[0].ip).toBe('203.0.113.7');

    const next = await t
      .api()
      .post('/api/v1/refresh-token')
      .set('X-Forwarded-For', '198.51.100.9')
      .send({ refresh_token: login.body.refresh_token })
      .expect(200);
    expect((await list(next.body.token as string))[0].ip).toBe('198.51.100.9');
  });
});
