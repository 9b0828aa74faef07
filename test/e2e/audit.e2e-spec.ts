import { loginAs, registerUser } from '../support/factories';
import { addTeammate, bearer, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';

const VIEWER_ROLE = '00000000-0000-4000-8000-000000000005';

describe('GET /api/v1/audit-events', () => {
  const t = useTestApp();

  it("lists the organization's security events newest first, with actor, IP and request id", async () => {
    const owner = await registerUser(t.api);
    await t
      .api()
      .post('/api/v1/login')
      .set('X-Request-Id', 'audit-login-1')
      .send({ username: owner.email, password: owner.password })
      .expect(200);
    const session = await loginAs(t.api, owner);
    await t
      .api()
      .post('/api/v1/me/password')
      .set(bearer(session.token))
      .send({ current_password: owner.password, new_password: 'audited-new-password' })
      .expect(200);

    const response = await t.api().get('/api/v1/audit-events').set(bearer(session.token)).expect(200);
    const events = response.body.audit_events as Record<string, unknown>[];
    expect(events.map((e) => e.type)).toEqual(['password.changed', 'login.succeeded', 'login.succeeded']);
    expect(events[2]).toMatchObject({
      actor_user_id: owner.id,
      organization_id: session.current_organization?.id,
      ip: expect.stringContaining('127.0.0.1'),
      request_id: 'audit-login-1',
      created_at: expect.stringMatching(/Z$/),
    });
    expect(response.body.next_cursor).toBeNull();
  });

  it('pages with limit and next_cursor', async () => {
    const owner = await registerUser(t.api);
    for (let i = 0; i < 4; i++) await loginAs(t.api, owner);
    const { token } = await loginAs(t.api, owner);
    const first = await t.api().get('/api/v1/audit-events?limit=3').set(bearer(token)).expect(200);
    expect(first.body.audit_events).toHaveLength(3);
    const second = await t
      .api()
      .get(`/api/v1/audit-events?limit=3&cursor=${first.body.next_cursor as string}`)
      .set(bearer(token))
      .expect(200);
    expect(second.body.audit_events).toHaveLength(2);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.audit_events, ...second.body.audit_events].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(5);
  });

  it('answers 400 for a bad limit or cursor', async () => {
    const { token } = await loginAs(t.api, await registerUser(t.api));
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'cursor=garbage']) {
      const response = await t.api().get(`/api/v1/audit-events?${query}`).set(bearer(token)).expect(400);
      expect(response.body.code).toBe('invalid_request');
    }
  });

  it('answers 403 to a member without audit.read', async () => {
    const owner = await registerUser(t.api);
    const ownerSession = await loginAs(t.api, owner);
    const viewer = await registerUser(t.api);
    const organizationId = ownerSession.current_organization?.id as string;
    await t.dataSource.query('INSERT INTO memberships (user_id, organization_id, role_id) VALUES ($1, $2, $3)', [
      viewer.id,
      organizationId,
      VIEWER_ROLE,
    ]);
    await t.dataSource.query('UPDATE users SET last_organization_id = $1 WHERE id = $2', [organizationId, viewer.id]);
    const viewerSession = await loginAs(t.api, viewer);
    expect(viewerSession.current_organization?.role).toBe('viewer');
    const response = await t.api().get('/api/v1/audit-events').set(bearer(viewerSession.token)).expect(403);
    expect(response.body).toMatchObject({ code: 'forbidden', details: { permission: 'audit.read' } });
  });

  it('records membership, role and organization changes with their actor', async () => {
    const team = await createTeam(t.api);
    const teammate = await addTeammate(t.api, team.owner.token, 'viewer');
    await t
      .api()
      .patch(`/api/v1/members/${teammate.memberId}`)
      .set(bearer(team.owner.token))
      .send({ role_id: '00000000-0000-4000-8000-000000000003' })
      .expect(200);
    const role = await t
      .api()
      .post('/api/v1/roles')
      .set(bearer(team.owner.token))
      .send({ key: 'auditor', name: 'Auditor', permissions: ['audit.read'] })
      .expect(200);
    await t
      .api()
      .patch(`/api/v1/roles/${role.body.role.id as string}`)
      .set(bearer(team.owner.token))
      .send({ name: 'Auditors' })
      .expect(200);
    await t
      .api()
      .delete(`/api/v1/roles/${role.body.role.id as string}`)
      .set(bearer(team.owner.token))
      .expect(200);
    await t.api().delete(`/api/v1/members/${teammate.memberId}`).set(bearer(team.owner.token)).expect(200);
    const second = await t
      .api()
      .post('/api/v1/organizations')
      .set(bearer(team.owner.token))
      .send({ name: 'To delete' })
      .expect(200);
    await t
      .api()
      .delete(`/api/v1/organizations/${second.body.organization.id as string}`)
      .set(bearer(team.owner.token))
      .expect(200);

    const response = await t.api().get('/api/v1/audit-events?limit=20').set(bearer(team.owner.token)).expect(200);
    const events = response.body.audit_events as {
      type: string;
      actor_user_id: string;
      target_id: string;
      details: Record<string, unknown>;
    }[];
    expect(events.map((e) => e.type).filter((type) => !type.startsWith('login.'))).toEqual([
      'member.removed',
      'role.deleted',
      'role.updated',
      'role.created',
      'member.role_changed',
      'member.added',
    ]);
    expect(events.find((e) => e.type === 'member.role_changed')).toMatchObject({
      actor_user_id: team.owner.id,
      target_id: teammate.memberId,
      details: { user_id: teammate.id, from: 'viewer', to: 'developer' },
    });
    expect(events.find((e) => e.type === 'member.added')).toMatchObject({
      actor_user_id: teammate.id,
      target_id: teammate.memberId,
    });
    const [deleted] = await t.dataSource.query<{ actor_user_id: string }[]>(
      `SELECT actor_user_id FROM audit_events WHERE type = 'organization.deleted' AND organization_id = $1`,
      [second.body.organization.id],
    );
    expect(deleted.actor_user_id).toBe(team.owner.id);
  });

  it('records refresh-token reuse and revoked sessions', async () => {
    const owner = await registerUser(t.api);
    const first = await loginAs(t.api, owner);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: first.refresh_token }).expect(200);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: first.refresh_token }).expect(401);
    const second = await loginAs(t.api, owner);
    const third = await loginAs(t.api, owner);
    await t
      .api()
      .delete(`/api/v1/me/sessions/${decodeSid(third.token)}`)
      .set(bearer(second.token))
      .expect(200);
    await t.api().post('/api/v1/logout').set(bearer(second.token)).expect(200);

    const fourth = await loginAs(t.api, owner);
    const response = await t.api().get('/api/v1/audit-events').set(bearer(fourth.token)).expect(200);
    const events = response.body.audit_events as { type: string; target_id: string; details: Record<string, unknown> }[];
    expect(events.find((e) => e.type === 'refresh.reuse_detected')).toMatchObject({ target_id: decodeSid(first.token) });
    expect(events.filter((e) => e.type === 'session.revoked').map((e) => [e.target_id, e.details.reason])).toEqual([
      [decodeSid(second.token), 'logout'],
      [decodeSid(third.token), 'session_deleted'],
    ]);
  });

  it('records failed and delayed logins, and refuses to change or delete the trail', async () => {
    const user = await registerUser(t.api);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    const [failed] = await t.dataSource.query<{ type: string; details: { email: string; reason: string } }[]>(
      `SELECT type, details FROM audit_events WHERE type = 'login.failed' AND details->>'email' = $1`,
      [user.email.toLowerCase()],
    );
    expect(failed).toEqual({ type: 'login.failed', details: { email: user.email.toLowerCase(), reason: 'invalid_credentials' } });
    for (let i = 0; i < 5; i++)
      await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(429);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(429);
    const delayed = await t.dataSource.query<{ details: Record<string, unknown> }[]>(
      `SELECT details FROM audit_events WHERE type = 'login.delayed' AND details->>'email' = $1`,
      [user.email.toLowerCase()],
    );
    // One row for the delay, none for the attempts it refused.
    expect(delayed).toEqual([{ details: { email: user.email.toLowerCase(), failures: 6, lock_seconds: 1 } }]);
    await expect(t.dataSource.query(`UPDATE audit_events SET type = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });
});

function decodeSid(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
}
