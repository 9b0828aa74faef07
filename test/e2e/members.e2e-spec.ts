import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, newCredentials, registerUser } from '../support/factories';
import { addTeammate, authenticated, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('members: a team from registration to removal', () => {
  const t = useTestApp();

  const as = (token: string) => authenticated(t.api, token);

  it('walks a team through: invite each built-in role, accept with a new and an existing account, list members', async () => {
    const team = await createTeam(t.api, { name: 'Walk Owner' });
    const joined = [];
    for (const role of ['admin', 'developer', 'analyst', 'viewer'] as const)
      joined.push(await addTeammate(t.api, team.owner.token, role));

    const existing = await registerUser(t.api, { name: 'Has Account' });
    const { acceptToken } = await invite(t.api, team.owner.token, existing.email.toUpperCase(), SYSTEM_ROLE_IDS.developer);
    const signedIn = await loginAs(t.api, existing);
    const accepted = await as(signedIn.token).post('/api/v1/invitations/accept', { token: acceptToken }).expect(200);
    expect(accepted.body).toEqual({
      accepted: true,
      member: {
        id: expect.any(String),
        user: { id: existing.id, name: 'Has Account', email: existing.email, email_verified_at: null },
        role: {
          id: SYSTEM_ROLE_IDS.developer,
          key: 'developer',
          name: 'Developer',
          is_system: true,
          permissions: expect.any(Array),
        },
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      },
    });
    const session = await loginAs(t.api, existing);
    expect(session.organizations.map((o) => o.role).sort()).toEqual(['developer', 'owner']);

    const listed = await as(team.owner.token).get('/api/v1/members').expect(200);
    expect(listed.body.members.map((m: { role: { key: string } }) => m.role.key)).toEqual([
      'owner',
      'admin',
      'developer',
      'analyst',
      'viewer',
      'developer',
    ]);
    expect(listed.body.members[0]).toEqual({
      id: team.owner.memberId,
      user: { id: team.owner.id, name: 'Walk Owner', email: team.owner.email, email_verified_at: null },
      role: expect.objectContaining({ key: 'owner', is_system: true }),
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
    // An account created by accepting starts unverified while the inviter saw its accept token.
    expect(listed.body.members[1].user.email_verified_at).toBeNull();
    expect(Object.keys(listed.body.members[1].user).sort()).toEqual(['email', 'email_verified_at', 'id', 'name']);
  });

  it('makes a promotion effective on the old token, without signing in again', async () => {
    const team = await createTeam(t.api);
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    await as(viewer.token).get('/api/v1/members').expect(403);
    const promoted = await as(team.owner.token)
      .patch(`/api/v1/members/${viewer.memberId}`, { role_id: SYSTEM_ROLE_IDS.admin })
      .expect(200);
    expect(promoted.body.member).toMatchObject({ id: viewer.memberId, role: { key: 'admin' } });
    await as(viewer.token).get('/api/v1/members').expect(200);
    await as(viewer.token)
      .post('/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(200);
  });

  it('makes a demotion and a removal effective on the old token', async () => {
    const team = await createTeam(t.api);
    const admin = await addTeammate(t.api, team.owner.token, 'admin');
    await as(admin.token).get('/api/v1/invitations').expect(200);
    await as(team.owner.token).patch(`/api/v1/members/${admin.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer }).expect(200);
    const refused = await as(admin.token).get('/api/v1/invitations').expect(403);
    expect(refused.body).toEqual({ code: 'forbidden', message: expect.any(String), details: { permission: 'members.read' } });

    await as(team.owner.token).delete(`/api/v1/members/${admin.memberId}`).expect(200).expect({ deleted: true });
    await as(admin.token).get(`/api/v1/organizations/${team.organizationId}`).expect(404);
    await as(admin.token).get('/api/v1/roles').expect(403);
    const listed = await as(team.owner.token).get('/api/v1/members').expect(200);
    expect(listed.body.members).toHaveLength(1);
  });

  it('answers 409 last_owner when the only owner demotes or removes themself', async () => {
    const team = await createTeam(t.api);
    const demoted = await as(team.owner.token)
      .patch(`/api/v1/members/${team.owner.memberId}`, { role_id: SYSTEM_ROLE_IDS.admin })
      .expect(409);
    expect(demoted.body).toEqual({ code: 'last_owner', message: expect.any(String), details: null });
    const removed = await as(team.owner.token).delete(`/api/v1/members/${team.owner.memberId}`).expect(409);
    expect(removed.body.code).toBe('last_owner');
  });

  it('lets one of two owners step down or leave, and the other stays', async () => {
    const team = await createTeam(t.api);
    const second = await addTeammate(t.api, team.owner.token, 'owner');
    await as(second.token).patch(`/api/v1/members/${team.owner.memberId}`, { role_id: SYSTEM_ROLE_IDS.admin }).expect(200);
    await as(second.token).delete(`/api/v1/members/${second.memberId}`).expect(409);
    await as(second.token).patch(`/api/v1/members/${team.owner.memberId}`, { role_id: SYSTEM_ROLE_IDS.owner }).expect(200);
    await as(second.token).delete(`/api/v1/members/${second.memberId}`).expect(200);
    const listed = await as(team.owner.token).get('/api/v1/members').expect(200);
    expect(listed.body.members.map((m: { role: { key: string } }) => m.role.key)).toEqual(['owner']);
  });

  it('lets only an owner grant or take away owner (403 for an admin)', async () => {
    const team = await createTeam(t.api);
    const admin = await addTeammate(t.api, team.owner.token, 'admin');
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    for (const [method, path, body] of [
      ['patch', `/api/v1/members/${viewer.memberId}`, { role_id: SYSTEM_ROLE_IDS.owner }],
      ['patch', `/api/v1/members/${team.owner.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer }],
      ['delete', `/api/v1/members/${team.owner.memberId}`, undefined],
      ['post', '/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.owner }],
    ] as const) {
      const request = t.api()[method](path).auth(admin.token, { type: 'bearer' });
      const response = await (body ? request.send(body) : request).expect(403);
      expect(response.body.code).toBe('forbidden');
    }
    await as(admin.token).patch(`/api/v1/members/${viewer.memberId}`, { role_id: SYSTEM_ROLE_IDS.developer }).expect(200);
  });

  it('lets any member leave without members.remove, and a member without an organization is refused 403', async () => {
    const team = await createTeam(t.api);
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    const other = await addTeammate(t.api, team.owner.token, 'developer');
    await as(viewer.token).delete(`/api/v1/members/${other.memberId}`).expect(403);
    await as(viewer.token).delete(`/api/v1/members/${viewer.memberId}`).expect(200);
    await as(viewer.token).get(`/api/v1/organizations/${team.organizationId}`).expect(404);

    const session = await loginAs(t.api, viewer);
    expect(session.current_organization).toBeNull();
    for (const path of ['/api/v1/members', '/api/v1/roles', '/api/v1/invitations']) {
      const response = await as(session.token).get(path).expect(403);
      expect(response.body.code).toBe('forbidden');
    }
    await as(session.token).get('/api/v1/permissions').expect(200);
  });

  it('refuses a role that would hand out a permission the caller does not hold (no escalation)', async () => {
    const team = await createTeam(t.api);
    const admin = await addTeammate(t.api, team.owner.token, 'admin');
    const created = await as(team.owner.token)
      .post('/api/v1/roles', { key: 'deleter', name: 'Deleter', permissions: ['org.read', 'org.delete'] })
      .expect(200);
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    const refused = await as(admin.token)
      .patch(`/api/v1/members/${viewer.memberId}`, { role_id: created.body.role.id })
      .expect(403);
    expect(refused.body.details).toEqual({ permissions: ['org.delete'] });
    await as(admin.token)
      .post('/api/v1/roles', { key: 'x', name: 'X', permissions: ['org.delete'] })
      .expect(403);
  });

  it('answers 404 for an unknown or malformed member id and 400 for a bad role_id, never 500', async () => {
    const team = await createTeam(t.api);
    const outsider = await createTeam(t.api);
    const unknown = randomUUID();
    await as(team.owner.token).patch(`/api/v1/members/${unknown}`, { role_id: SYSTEM_ROLE_IDS.viewer }).expect(404);
    await as(team.owner.token).delete(`/api/v1/members/${unknown}`).expect(404);
    // A member of another organization is not found from here.
    await as(team.owner.token).delete(`/api/v1/members/${outsider.owner.memberId}`).expect(404);
    for (const id of ['not-a-uuid', '123', "1' OR '1'='1"]) {
      const response = await as(team.owner.token).patch(`/api/v1/members/${encodeURIComponent(id)}`, {
        role_id: SYSTEM_ROLE_IDS.viewer,
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
      await as(team.owner.token)
        .delete(`/api/v1/members/${encodeURIComponent(id)}`)
        .expect(404);
    }
    for (const body of [{}, { role_id: 'owner' }, { role_id: 42 }, { role_id: null }]) {
      const response = await as(team.owner.token).patch(`/api/v1/members/${team.owner.memberId}`, body).expect(400);
      expect(response.body.details.fields).toEqual([{ field: 'role_id', message: expect.any(String) }]);
    }
    const foreignRole = await as(outsider.owner.token)
      .post('/api/v1/roles', { key: 'theirs', name: 'Theirs', permissions: [] })
      .expect(200);
    for (const roleId of [randomUUID(), foreignRole.body.role.id]) {
      const response = await as(team.owner.token)
        .patch(`/api/v1/members/${team.owner.memberId}`, { role_id: roleId })
        .expect(400);
      expect(response.body.details.fields).toEqual([{ field: 'role_id', message: expect.any(String) }]);
    }
    await t.api().get('/api/v1/members').expect(401);
  });

  it('answers 401 to every member endpoint without a token', async () => {
    const member = randomUUID();
    await t.api().get('/api/v1/members').expect(401);
    await t.api().patch(`/api/v1/members/${member}`).send({ role_id: SYSTEM_ROLE_IDS.viewer }).expect(401);
    await t.api().delete(`/api/v1/members/${member}`).expect(401);
  });

  it('never writes a password, token or hash to the log', async () => {
    const team = await createTeam(t.api);
    const credentials = newCredentials();
    const { acceptToken } = await invite(t.api, team.owner.token, credentials.email, SYSTEM_ROLE_IDS.viewer);
    await t
      .api()
      .post('/api/v1/invitations/accept')
      .send({ token: acceptToken, name: credentials.name, password: credentials.password })
      .expect(200);
    const logs = t.rawLogs();
    expect(logs).not.toContain(acceptToken);
    expect(logs).not.toContain(credentials.password);
    expect(logs).not.toContain(team.owner.token);
    expect(logs).not.toMatch(/\$2[aby]\$/);
  });
});
