import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS, SystemRoleKey } from '../../src/organizations/permissions';
import { addTeammate, BUILT_IN_ROLES, createFullTeam, invite, Team, Teammate } from '../support/team';
import { useTestApp } from '../support/test-app';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Call {
  method: Method;
  path: string;
  body?: Record<string, unknown>;
}

interface Row {
  endpoint: string;
  /** Who may call it, straight from the contract's table of built-in roles. */
  allowed: SystemRoleKey[];
  /** Prepares a fresh target (as the owner) and returns the call the role under test makes. */
  call: (team: FullTeam, role: SystemRoleKey) => Call | Promise<Call>;
}

type FullTeam = Team & { members: Record<SystemRoleKey, Teammate> };

const ALL: SystemRoleKey[] = ['owner', 'admin', 'developer', 'analyst', 'viewer'];
const READERS: SystemRoleKey[] = ['owner', 'admin', 'developer', 'analyst'];
const MANAGERS: SystemRoleKey[] = ['owner', 'admin'];

describe('permissions of the built-in roles, endpoint by endpoint', () => {
  const t = useTestApp();
  let team: FullTeam;

  beforeAll(async () => {
    team = await createFullTeam(t.api);
  });

  const customRole = async (): Promise<string> => {
    const response = await t
      .api()
      .post('/api/v1/roles')
      .auth(team.owner.token, { type: 'bearer' })
      .send({ key: `r-${randomUUID().slice(0, 8)}`, name: 'Temp', permissions: ['flags.read'] })
      .expect(200);
    return response.body.role.id;
  };

  const rows: Row[] = [
    {
      endpoint: 'GET /organizations/{id}',
      allowed: ALL,
      call: (tm) => ({ method: 'get', path: `/api/v1/organizations/${tm.organizationId}` }),
    },
    {
      endpoint: 'PATCH /organizations/{id}',
      allowed: MANAGERS,
      call: (tm) => ({
        method: 'patch',
        path: `/api/v1/organizations/${tm.organizationId}`,
        body: { name: 'Renamed Team' },
      }),
    },
    {
      endpoint: 'DELETE /organizations/{id}',
      allowed: ['owner'],
      // The allowed case deletes a second organization of the owner's, so the team lives on.
      call: async (tm, role) => {
        if (role !== 'owner') return { method: 'delete', path: `/api/v1/organizations/${tm.organizationId}` };
        const created = await t
          .api()
          .post('/api/v1/organizations')
          .auth(tm.owner.token, { type: 'bearer' })
          .send({ name: 'Spare' })
          .expect(200);
        return { method: 'delete', path: `/api/v1/organizations/${created.body.organization.id}` };
      },
    },
    { endpoint: 'GET /members', allowed: READERS, call: () => ({ method: 'get', path: '/api/v1/members' }) },
    {
      endpoint: 'PATCH /members/{id}',
      allowed: MANAGERS,
      call: async (tm) => {
        const target = await addTeammate(t.api, tm.owner.token, 'viewer');
        return { method: 'patch', path: `/api/v1/members/${target.memberId}`, body: { role_id: SYSTEM_ROLE_IDS.analyst } };
      },
    },
    {
      endpoint: 'DELETE /members/{id}',
      allowed: MANAGERS,
      call: async (tm) => {
        const target = await addTeammate(t.api, tm.owner.token, 'viewer');
        return { method: 'delete', path: `/api/v1/members/${target.memberId}` };
      },
    },
    { endpoint: 'GET /roles', allowed: READERS, call: () => ({ method: 'get', path: '/api/v1/roles' }) },
    {
      endpoint: 'POST /roles',
      allowed: MANAGERS,
      call: () => ({
        method: 'post',
        path: '/api/v1/roles',
        body: { key: `k-${randomUUID().slice(0, 8)}`, name: 'Flag reader', permissions: ['flags.read'] },
      }),
    },
    {
      endpoint: 'PATCH /roles/{id}',
      allowed: MANAGERS,
      call: async () => ({
        method: 'patch',
        path: `/api/v1/roles/${await customRole()}`,
        body: { permissions: ['flags.read', 'rules.read'] },
      }),
    },
    {
      endpoint: 'DELETE /roles/{id}',
      allowed: MANAGERS,
      call: async () => ({ method: 'delete', path: `/api/v1/roles/${await customRole()}` }),
    },
    { endpoint: 'GET /permissions', allowed: ALL, call: () => ({ method: 'get', path: '/api/v1/permissions' }) },
    {
      endpoint: 'POST /invitations',
      allowed: MANAGERS,
      call: () => ({
        method: 'post',
        path: '/api/v1/invitations',
        body: { email: `m-${randomUUID().slice(0, 8)}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer },
      }),
    },
    { endpoint: 'GET /invitations', allowed: READERS, call: () => ({ method: 'get', path: '/api/v1/invitations' }) },
    {
      endpoint: 'DELETE /invitations/{id}',
      allowed: MANAGERS,
      call: async (tm) => {
        const { invitationId } = await invite(
          t.api,
          tm.owner.token,
          `d-${randomUUID().slice(0, 8)}@example.com`,
          SYSTEM_ROLE_IDS.viewer,
        );
        return { method: 'delete', path: `/api/v1/invitations/${invitationId}` };
      },
    },
  ];

  const cases = rows.flatMap((row) =>
    BUILT_IN_ROLES.map((role) => ({ ...row, role, expected: row.allowed.includes(role) ? 200 : 403 })),
  );

  it.each(cases)('$endpoint as $role answers $expected', async ({ call, role, expected }) => {
    const { method, path, body } = await call(team, role);
    const request = t.api()[method](path).auth(team.members[role].token, { type: 'bearer' });
    const response = await (body ? request.send(body) : request);
    expect(response.status).toBe(expected);
    if (expected === 403)
      expect(response.body).toEqual({ code: 'forbidden', message: expect.any(String), details: expect.anything() });
  });
});
