import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { CloudEventJson, useMachineEventStream } from '../support/event-stream';
import { loginAs, LoginResult, RegisteredUser, registerUser } from '../support/factories';
import { authenticated, bearer, createTeam, invite } from '../support/team';
import { TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

const deleteAccount = (t: TestAppHandle, token: string, body: object) =>
  t.api().delete('/api/v1/me').set(bearer(token)).send(body);

/** `user` (signed in as `session`) joins the team of `ownerToken` with a role, accepting as themself. */
async function join(t: TestAppHandle, ownerToken: string, user: RegisteredUser, session: LoginResult, roleId: string) {
  const { acceptToken } = await invite(t.api, ownerToken, user.email, roleId);
  const accepted = await t
    .api()
    .post('/api/v1/invitations/accept')
    .set(bearer(session.token))
    .send({ token: acceptToken })
    .expect(200);
  return accepted.body.member.id as string;
}

const count = async (t: TestAppHandle, sql: string, values: unknown[]) =>
  Number((await t.dataSource.query<{ count: string }[]>(`SELECT count(*) AS count FROM ${sql}`, values))[0].count);

describe('DELETE /api/v1/me', () => {
  const t = useTestApp();

  it('erases the account: its sole-member organizations go, the team stays, and nothing of it is left', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const ownOrganization = session.current_organization?.id as string;
    // A custom role of its own organization, and a second organization it deleted (soft) before.
    await authenticated(t.api, session.token).post('/api/v1/roles', { key: 'auditor', name: 'Auditor', permissions: [] });
    const second = await authenticated(t.api, session.token).post('/api/v1/organizations', { name: 'Side Project' });
    const deletedOrganization = second.body.organization.id as string;
    await authenticated(t.api, session.token).delete(`/api/v1/organizations/${deletedOrganization}`).expect(200);
    await join(t, team.owner.token, user, session, SYSTEM_ROLE_IDS.developer);
    // A wrong password at login leaves an audit event that names the email.
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'not-the-password' }).expect(401);
    const failures = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM audit_events WHERE details ->> 'email' = $1`, [
      user.email,
    ]);
    expect(failures.length).toBeGreaterThan(0);
    expect(await count(t, `outbox_emails WHERE to_address = $1 AND lane = 'account'`, [user.email])).toBeGreaterThan(0);
    const other = await loginAs(t.api, user);

    const response = await deleteAccount(t, session.token, { password: user.password }).expect(200);
    expect(response.body).toEqual({ deleted: true });

    // The trail keeps the user id, never the email or the name (a login with it, below, is a new event).
    expect(
      await count(t, 'audit_events WHERE details::text LIKE $1 OR details::text LIKE $2', [`%${user.email}%`, `%${user.name}%`]),
    ).toBe(0);
    expect(await count(t, `audit_events WHERE actor_user_id = $1 AND type = 'user.deleted'`, [user.id])).toBe(1);
    expect(await count(t, `audit_events WHERE actor_user_id = $1 AND type = 'login.succeeded'`, [user.id])).toBeGreaterThan(0);
    const kept = await t.dataSource.query<{ details: object }[]>('SELECT details FROM audit_events WHERE id = ANY($1::uuid[])', [
      failures.map((row) => row.id),
    ]);
    expect(kept).toEqual(failures.map(() => ({ details: { reason: 'invalid_credentials' } })));

    // Signed out everywhere, and unknown to login.
    await t.api().get('/api/v1/me').set(bearer(session.token)).expect(401);
    await t.api().get('/api/v1/me').set(bearer(other.token)).expect(401);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: other.refresh_token }).expect(401);
    const login = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(404);
    expect(login.body.code).toBe('account_not_found');

    // The team is intact, without the member.
    const members = await authenticated(t.api, team.owner.token).get('/api/v1/members').expect(200);
    expect(members.body.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([team.owner.id]);
    await authenticated(t.api, team.owner.token).get(`/api/v1/organizations/${team.organizationId}`).expect(200);

    // Nothing of the person is stored: no user, session, membership, token, email, organization of theirs.
    expect(await count(t, 'users WHERE id = $1 OR email = $2', [user.id, user.email])).toBe(0);
    expect(await count(t, 'sessions WHERE user_id = $1', [user.id])).toBe(0);
    expect(await count(t, 'memberships WHERE user_id = $1', [user.id])).toBe(0);
    expect(await count(t, 'email_tokens WHERE user_id = $1', [user.id])).toBe(0);
    expect(await count(t, `outbox_emails WHERE to_address = $1 AND lane = 'account'`, [user.email])).toBe(0);
    expect(await count(t, 'organizations WHERE id = ANY($1::uuid[])', [[ownOrganization, deletedOrganization]])).toBe(0);
    expect(await count(t, 'roles WHERE organization_id = $1', [ownOrganization])).toBe(0);

    // The email is free: it registers again, as a new account.
    const again = await registerUser(t.api, { email: user.email });
    expect(again.id).not.toBe(user.id);
  });

  it('answers 409 last_owner for the last owner of an organization with other members, and deletes once another is owner', async () => {
    const team = await createTeam(t.api);
    const partner = await registerUser(t.api);
    const partnerSession = await loginAs(t.api, partner);
    const partnerMember = await join(t, team.owner.token, partner, partnerSession, SYSTEM_ROLE_IDS.admin);

    const refused = await deleteAccount(t, team.owner.token, { password: team.owner.password }).expect(409);
    expect(refused.body).toEqual({
      code: 'last_owner',
      message: expect.any(String),
      details: { organization_ids: [team.organizationId] },
    });
    // Nothing changed.
    await t.api().get('/api/v1/me').set(bearer(team.owner.token)).expect(200);
    expect(await count(t, 'memberships WHERE organization_id = $1', [team.organizationId])).toBe(2);

    await authenticated(t.api, team.owner.token)
      .patch(`/api/v1/members/${partnerMember}`, { role_id: SYSTEM_ROLE_IDS.owner })
      .expect(200);
    await deleteAccount(t, team.owner.token, { password: team.owner.password }).expect(200);
    const members = await t.dataSource.query('SELECT id, user_id FROM memberships WHERE organization_id = $1', [
      team.organizationId,
    ]);
    expect(members).toEqual([{ id: partnerMember, user_id: partner.id }]);
  });

  it('answers 401 invalid_credentials for a wrong password and deletes nothing', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const response = await deleteAccount(t, session.token, { password: 'not-my-password' }).expect(401);
    expect(response.body).toEqual({ code: 'invalid_credentials', message: expect.any(String), details: null });
    await t.api().get('/api/v1/me').set(bearer(session.token)).expect(200);
  });

  it.each([
    ['no body', undefined],
    ['no password', {}],
    ['an empty password', { password: '' }],
    ['a numeric password', { password: 12345678 }],
    ['a numeric code', { password: 'whatever-password', code: 123456 }],
  ])('answers 400 invalid_request for %s', async (_case, body) => {
    const session = await loginAs(t.api, await registerUser(t.api));
    const request = t.api().delete('/api/v1/me').set(bearer(session.token));
    const response = await (body === undefined ? request : request.send(body)).expect(400);
    expect(response.body.code).toBe('invalid_request');
  });

  it('answers 401 without a token', async () => {
    await t.api().delete('/api/v1/me').send({ password: 'whatever-password' }).expect(401);
  });

  it('leaves the trail append-only for anything but forgetting a person and retention', async () => {
    const user = await registerUser(t.api);
    await loginAs(t.api, user);
    const [row] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM audit_events WHERE actor_user_id = $1 LIMIT 1', [
      user.id,
    ]);
    await expect(t.dataSource.query(`UPDATE audit_events SET type = 'forged' WHERE id = $1`, [row.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(
      t.dataSource.query(`UPDATE audit_events SET details = '{"email":"someone@example.com"}' WHERE id = $1`, [row.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_events WHERE id = $1', [row.id])).rejects.toThrow(/append-only/);
  });
});

describe('DELETE /api/v1/me under the login throttle', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES: '3', LOGIN_FREE_FAILURES: '50' } });

  it('counts wrong passwords: a stolen access token cannot guess the password by deleting', async () => {
    const owner = await registerUser(t.api);
    const stolen = await loginAs(t.api, owner);
    const attempt = (address: string, password: string) =>
      t.api().delete('/api/v1/me').set('X-Forwarded-For', address).set(bearer(stolen.token)).send({ password });

    for (let i = 0; i < 3; i++) await attempt('203.0.113.81', `guess-${i}-password`).expect(401);
    // The thief's address is blocked for this account, the right password included, at login too.
    await attempt('203.0.113.81', owner.password).expect(429);
    await t
      .api()
      .post('/api/v1/login')
      .set('X-Forwarded-For', '203.0.113.81')
      .send({ username: owner.email, password: owner.password })
      .expect(429);
    // The account is still there for its owner.
    await t
      .api()
      .post('/api/v1/login')
      .set('X-Forwarded-For', '198.51.100.41')
      .send({ username: owner.email, password: owner.password })
      .expect(200);
  });
});

describe('the events of an account deletion', () => {
  const events = useMachineEventStream('deletion');
  const t = useTestApp({ env: events.env });

  it('announces the revoked sessions, the membership left, the organization erased and user.deleted, in one transaction', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const ownOrganization = session.current_organization?.id as string;
    const membership = await join(t, team.owner.token, user, session, SYSTEM_ROLE_IDS.viewer);

    await deleteAccount(t, session.token, { password: user.password }).expect(200);
    await events.stream.waitUntil((events) =>
      events.some((event) => event.type === 'identity.user.deleted' && event.subject === user.id),
    );
    const about = (subject: string) => events.stream.ofTypes().filter((event: CloudEventJson) => event.subject === subject);

    expect(about(user.id).map((event) => event.type)).toEqual(['identity.user.registered', 'identity.user.deleted']);
    expect(about(user.id)[1].data).toEqual({ user_id: user.id });
    expect(about(ownOrganization).map((event) => event.type)).toEqual([
      'identity.organization.created',
      'identity.organization.deleted',
    ]);
    expect(about(membership).map((event) => event.type)).toEqual(['identity.member.added', 'identity.member.removed']);
    const revoked = events.stream
      .ofTypes()
      .filter((event) => event.type === 'identity.session.revoked' && event.data.user_id === user.id);
    expect(revoked.map((event) => event.data)).toEqual([
      { session_id: claimsOf(session.token).sid, user_id: user.id, reason: 'account_deleted' },
    ]);
    // The deletion's events commit together: user.deleted is the last of them.
    const types = events.stream.ofTypes().map((event) => `${event.type} ${event.subject}`);
    expect(types.indexOf(`identity.user.deleted ${user.id}`)).toBeGreaterThan(
      types.indexOf(`identity.organization.deleted ${ownOrganization}`),
    );
  });
});
