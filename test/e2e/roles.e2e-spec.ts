import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { addTeammate, authenticated, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

// The contract's catalog and built-in roles, written out here so the test checks the code against the contract.
const CATALOG = [
  'org.read',
  'org.update',
  'org.delete',
  'members.read',
  'members.invite',
  'members.update',
  'members.remove',
  'roles.read',
  'roles.create',
  'roles.update',
  'roles.delete',
  'projects.read',
  'projects.write',
  'projects.delete',
  'project_members.read',
  'project_members.write',
  'environments.read',
  'environments.write',
  'environments.delete',
  'api_keys.read',
  'api_keys.write',
  'flags.read',
  'flags.write',
  'rules.read',
  'rules.write',
  'usage.read',
  'billing.read',
  'billing.write',
  'exports.write',
  'audit.read',
];
const BUILT_IN: Record<string, string[]> = {
  owner: CATALOG,
  admin: CATALOG.filter((p) => p !== 'org.delete'),
  developer: [
    'org.read',
    'members.read',
    'roles.read',
    'projects.read',
    'project_members.read',
    'environments.read',
    'api_keys.read',
    'flags.read',
    'flags.write',
    'rules.read',
    'rules.write',
  ],
  analyst: [
    'org.read',
    'members.read',
    'roles.read',
    'projects.read',
    'environments.read',
    'flags.read',
    'rules.read',
    'usage.read',
  ],
  viewer: ['org.read', 'projects.read', 'environments.read', 'flags.read'],
};

describe('roles and the permission catalog', () => {
  const t = useTestApp();

  const as = (token: string) => authenticated(t.api, token);

  it('lists the whole catalog with a description for each permission', async () => {
    const team = await createTeam(t.api);
    const response = await as(team.owner.token).get('/api/v1/permissions').expect(200);
    expect(response.body.permissions.map((p: { key: string }) => p.key)).toEqual(CATALOG);
    for (const permission of response.body.permissions) {
      expect(Object.keys(permission).sort()).toEqual(['description', 'key']);
      expect(permission.description).toEqual(expect.stringMatching(/\S/));
    }
    await t.api().get('/api/v1/permissions').expect(401);
  });

  it('lists the five built-in roles exactly as the contract defines them, then custom roles', async () => {
    const team = await createTeam(t.api);
    await as(team.owner.token)
      .post('/api/v1/roles', { key: 'release', name: 'Release', permissions: ['flags.write', 'flags.read'] })
      .expect(200);
    const response = await as(team.owner.token).get('/api/v1/roles').expect(200);
    const roles = response.body.roles;
    expect(roles.slice(0, 5)).toEqual(
      Object.entries(BUILT_IN).map(([key, permissions]) => ({
        id: SYSTEM_ROLE_IDS[key as keyof typeof SYSTEM_ROLE_IDS],
        key,
        name: key[0].toUpperCase() + key.slice(1),
        is_system: true,
        permissions,
      })),
    );
    // Permissions come back in catalog order, deduplicated.
    expect(roles[5]).toEqual({
      id: expect.any(String),
      key: 'release',
      name: 'Release',
      is_system: false,
      permissions: ['flags.read', 'flags.write'],
    });
    const other = await createTeam(t.api);
    const theirs = await as(other.owner.token).get('/api/v1/roles').expect(200);
    expect(theirs.body.roles.map((r: { key: string }) => r.key)).toEqual(['owner', 'admin', 'developer', 'analyst', 'viewer']);
  });

  it('runs a custom role through its life: create, assign, change with live effect, refuse deletion in use, delete', async () => {
    const team = await createTeam(t.api);
    const created = await as(team.owner.token)
      .post('/api/v1/roles', { key: 'auditor', name: '  Auditor  ', permissions: ['org.read', 'audit.read', 'audit.read'] })
      .expect(200);
    expect(created.body).toEqual({
      role: {
        id: expect.any(String),
        key: 'auditor',
        name: 'Auditor',
        is_system: false,
        permissions: ['org.read', 'audit.read'],
      },
    });
    const roleId = created.body.role.id;
    const member = await addTeammate(t.api, team.owner.token, roleId);
    expect(member.session.current_organization?.role).toBe('auditor');
    await as(member.token).get('/api/v1/members').expect(403);

    const changed = await as(team.owner.token)
      .patch(`/api/v1/roles/${roleId}`, { name: 'Member reader', permissions: ['members.read'] })
      .expect(200);
    expect(changed.body.role).toEqual({
      id: roleId,
      key: 'auditor',
      name: 'Member reader',
      is_system: false,
      permissions: ['members.read'],
    });
    await as(member.token).get('/api/v1/members').expect(200);
    await as(member.token).get(`/api/v1/organizations/${team.organizationId}`).expect(403);
    await as(team.owner.token).patch(`/api/v1/roles/${roleId}`, { permissions: [] }).expect(200);
    await as(member.token).get('/api/v1/members').expect(403);

    const inUse = await as(team.owner.token).delete(`/api/v1/roles/${roleId}`).expect(409);
    expect(inUse.body).toEqual({ code: 'role_in_use', message: expect.any(String), details: null });
    await as(team.owner.token).patch(`/api/v1/members/${member.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer }).expect(200);
    await as(team.owner.token).delete(`/api/v1/roles/${roleId}`).expect(200).expect({ deleted: true });
    await as(team.owner.token).delete(`/api/v1/roles/${roleId}`).expect(404);
    await as(team.owner.token).patch(`/api/v1/roles/${roleId}`, { name: 'Ghost' }).expect(404);
  });

  it('counts a pending invitation as a use of its role', async () => {
    const team = await createTeam(t.api);
    const created = await as(team.owner.token)
      .post('/api/v1/roles', { key: 'guest', name: 'Guest', permissions: [] })
      .expect(200);
    const { invitationId } = await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, created.body.role.id);
    await as(team.owner.token).delete(`/api/v1/roles/${created.body.role.id}`).expect(409);
    await as(team.owner.token).delete(`/api/v1/invitations/${invitationId}`).expect(200);
    await as(team.owner.token).delete(`/api/v1/roles/${created.body.role.id}`).expect(200);
  });

  it('answers 409 system_role for any change to a built-in role', async () => {
    const team = await createTeam(t.api);
    for (const id of Object.values(SYSTEM_ROLE_IDS)) {
      const patched = await as(team.owner.token).patch(`/api/v1/roles/${id}`, { name: 'Mine now' }).expect(409);
      expect(patched.body).toEqual({ code: 'system_role', message: expect.any(String), details: null });
      await as(team.owner.token).delete(`/api/v1/roles/${id}`).expect(409);
    }
  });

  it('answers 409 role_key_taken for a key used in the organization or reserved by a built-in role', async () => {
    const team = await createTeam(t.api);
    await as(team.owner.token).post('/api/v1/roles', { key: 'ops', name: 'Ops', permissions: [] }).expect(200);
    for (const key of ['ops', 'owner', 'viewer']) {
      const response = await as(team.owner.token).post('/api/v1/roles', { key, name: 'Again', permissions: [] }).expect(409);
      expect(response.body).toEqual({ code: 'role_key_taken', message: expect.any(String), details: null });
    }
    // Keys are per organization.
    const other = await createTeam(t.api);
    await as(other.owner.token).post('/api/v1/roles', { key: 'ops', name: 'Ops', permissions: [] }).expect(200);
  });

  it('answers 400 naming an unknown permission', async () => {
    const team = await createTeam(t.api);
    const created = await as(team.owner.token)
      .post('/api/v1/roles', { key: 'typo', name: 'Typo', permissions: ['flags.read', 'flags.fly', 'root'] })
      .expect(400);
    expect(created.body).toEqual({
      code: 'invalid_request',
      message: expect.stringContaining('flags.fly'),
      details: {
        fields: [{ field: 'permissions', message: expect.stringContaining('flags.fly, root') }],
        unknown_permissions: ['flags.fly', 'root'],
      },
    });
    const role = await as(team.owner.token).post('/api/v1/roles', { key: 'ok', name: 'Ok', permissions: [] }).expect(200);
    const patched = await as(team.owner.token)
      .patch(`/api/v1/roles/${role.body.role.id}`, { permissions: ['members.nuke'] })
      .expect(400);
    expect(patched.body.details.unknown_permissions).toEqual(['members.nuke']);
  });

  it('answers 400 for malformed bodies and 404 for malformed or foreign ids, never 500', async () => {
    const team = await createTeam(t.api);
    const bad: [object, string][] = [
      [{ name: 'N', permissions: [] }, 'key'],
      [{ key: 'Upper', name: 'N', permissions: [] }, 'key'],
      [{ key: '1st', name: 'N', permissions: [] }, 'key'],
      [{ key: 'has space', name: 'N', permissions: [] }, 'key'],
      [{ key: 'k'.repeat(65), name: 'N', permissions: [] }, 'key'],
      [{ key: 'k', permissions: [] }, 'name'],
      [{ key: 'k', name: ' ', permissions: [] }, 'name'],
      [{ key: 'k', name: 'N' }, 'permissions'],
      [{ key: 'k', name: 'N', permissions: 'org.read' }, 'permissions'],
      [{ key: 'k', name: 'N', permissions: [1] }, 'permissions'],
    ];
    for (const [body, field] of bad) {
      const response = await as(team.owner.token).post('/api/v1/roles', body).expect(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    await as(team.owner.token)
      .post('/api/v1/roles', { key: 'k'.repeat(64), name: 'Long key', permissions: [] })
      .expect(200);
    await as(team.owner.token).post('/api/v1/roles', { key: 'snake_and-dash', name: 'Both', permissions: [] }).expect(200);

    const other = await createTeam(t.api);
    const foreign = await as(other.owner.token)
      .post('/api/v1/roles', { key: 'foreign', name: 'Foreign', permissions: [] })
      .expect(200);
    for (const id of ['nope', randomUUID(), foreign.body.role.id]) {
      await as(team.owner.token).patch(`/api/v1/roles/${id}`, { name: 'X' }).expect(404);
      await as(team.owner.token).delete(`/api/v1/roles/${id}`).expect(404);
    }
    await as(team.owner.token).patch(`/api/v1/roles/${foreign.body.role.id}`, { permissions: 'x' }).expect(400);
  });
});
