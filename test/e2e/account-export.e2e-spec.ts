import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, registerUser } from '../support/factories';
import { authenticated, bearer, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();

describe('GET /api/v1/me/export', () => {
  const t = useTestApp();

  it('answers every organization, session and audit event of the caller, and no hash or token', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const as = authenticated(t.api, session.token);
    const ownOrganization = session.current_organization?.id as string;
    const side = (await as.post('/api/v1/organizations', { name: 'Side Project' }).expect(200)).body.organization.id as string;
    await as.delete(`/api/v1/organizations/${side}`).expect(200);
    const { acceptToken } = await invite(t.api, team.owner.token, user.email, SYSTEM_ROLE_IDS.analyst);
    await t.api().post('/api/v1/invitations/accept').set(bearer(session.token)).send({ token: acceptToken }).expect(200);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'a-wrong-password' }).expect(401);
    const ended = (
      await t
        .api()
        .post('/api/v1/login')
        .set('User-Agent', 'Export Test Browser/1.0')
        .send({ username: user.email, password: user.password })
        .expect(200)
    ).body as { token: string; refresh_token: string };
    await authenticated(t.api, ended.token).post('/api/v1/logout', {}).expect(200);

    const response = await as.get('/api/v1/me/export').expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body;
    expect(Object.keys(body).sort()).toEqual(['audit_events', 'mfa', 'organizations', 'sessions', 'user']);
    expect(body.mfa).toEqual({ totp: null, passkeys: [] });
    expect(body.user).toEqual({ ...session.user, updated_at: expect.any(String) });

    expect(ids(body.organizations)).toEqual([ownOrganization, side, team.organizationId].sort());
    const byId = new Map(body.organizations.map((organization: { id: string }) => [organization.id, organization]));
    expect(byId.get(team.organizationId)).toEqual({
      id: team.organizationId,
      slug: expect.any(String),
      name: team.owner.name,
      role: 'analyst',
      membership_id: expect.any(String),
      joined_at: expect.any(String),
      deleted_at: null,
    });
    expect(byId.get(side)).toMatchObject({ role: 'owner', deleted_at: expect.any(String) });

    const sessions = await t.dataSource.query<{ id: string }[]>('SELECT id FROM sessions WHERE user_id = $1', [user.id]);
    expect(ids(body.sessions)).toEqual(ids(sessions));
    expect(body.sessions.find((stored: { revoked_reason: string | null }) => stored.revoked_reason === 'logout')).toMatchObject({
      revoked_at: expect.any(String),
      user_agent: 'Export Test Browser/1.0',
      ip: expect.any(String),
    });

    // Every event by the caller, about them, their sessions or memberships, or naming their email.
    const expected = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM audit_events
        WHERE actor_user_id = $1 OR target_id = $1 OR details ->> 'user_id' = $1::text OR details ->> 'email' = $2
           OR target_id IN (SELECT id FROM sessions WHERE user_id = $1)`,
      [user.id, user.email],
    );
    expect(ids(body.audit_events)).toEqual(ids(expected));
    const types = body.audit_events.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['login.succeeded', 'login.failed', 'session.revoked', 'member.added']));
    const times = body.audit_events.map((event: { created_at: string }) => event.created_at);
    expect(times).toEqual([...times].sort());
    // Nothing of the team owner's own trail.
    expect(body.audit_events.every((event: { actor_user_id: string }) => event.actor_user_id !== team.owner.id)).toBe(true);

    // Never a hash or a token.
    const text = response.text;
    const [{ password_hash: passwordHash }] = await t.dataSource.query<{ password_hash: string }[]>(
      'SELECT password_hash FROM users WHERE id = $1',
      [user.id],
    );
    const hashes = await t.dataSource.query<{ hash: string }[]>(
      `SELECT refresh_token_hash AS hash FROM sessions WHERE user_id = $1
       UNION ALL SELECT token_hash FROM email_tokens WHERE user_id = $1`,
      [user.id],
    );
    for (const secret of [
      passwordHash,
      ...hashes.map((row) => row.hash),
      session.token,
      session.refresh_token,
      ended.refresh_token,
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/hash|"token"|refresh_token/i);
  });

  it('answers 401 without a token, and for an account deleted meanwhile', async () => {
    await t.api().get('/api/v1/me/export').expect(401);
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    await t.api().delete('/api/v1/me').set(bearer(session.token)).send({ password: user.password }).expect(200);
    await t.api().get('/api/v1/me/export').set(bearer(session.token)).expect(401);
  });
});
