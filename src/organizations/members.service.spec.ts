import { randomUUID } from 'node:crypto';

import type { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import type { TransactionHost } from '../database/transaction-host';
import type { EventsService } from '../events/events.service';
import type { User } from '../users/user.entity';
import { MembersService } from './members.service';
import type { Membership } from './membership.entity';
import type { MembershipsRepository, MemberView } from './memberships.repository';
import type { Organization } from './organization.entity';
import { OrganizationAccess } from './organization-access';
import type { OrganizationsRepository } from './organizations.repository';
import { ALL_PERMISSIONS, SYSTEM_ROLE_IDS, SystemRoleKey } from './permissions';
import type { Role } from './role.entity';
import type { RolesRepository } from './roles.repository';

const ORGANIZATION = { id: randomUUID(), name: 'Acme', slug: 'acme' } as Organization;

const role = (key: string, id: string, permissions: readonly string[]): Role =>
  ({ id, key, name: key, isSystem: key in SYSTEM_ROLE_IDS, permissions: [...permissions] }) as Role;

const ROLES: Record<SystemRoleKey | 'release_manager', Role> = {
  owner: role('owner', SYSTEM_ROLE_IDS.owner, ALL_PERMISSIONS),
  admin: role(
    'admin',
    SYSTEM_ROLE_IDS.admin,
    ALL_PERMISSIONS.filter((permission) => permission !== 'org.delete'),
  ),
  developer: role('developer', SYSTEM_ROLE_IDS.developer, ['org.read', 'members.read']),
  analyst: role('analyst', SYSTEM_ROLE_IDS.analyst, ['org.read', 'members.read']),
  viewer: role('viewer', SYSTEM_ROLE_IDS.viewer, ['org.read']),
  // A custom role carrying a permission an admin does not hold.
  release_manager: role('release_manager', randomUUID(), ['org.read', 'org.delete']),
};

/** An organization in memory, and MembersService over it with the real OrganizationAccess. */
function organizationWith(members: [string, keyof typeof ROLES][]) {
  const rows = new Map<string, { userId: string; roleId: string }>();
  const byName = new Map<string, { membershipId: string; userId: string }>();
  for (const [name, key] of members) {
    const membershipId = randomUUID();
    const userId = randomUUID();
    rows.set(membershipId, { userId, roleId: ROLES[key].id });
    byName.set(name, { membershipId, userId });
  }
  const roleById = (id: string) => Object.values(ROLES).find((candidate) => candidate.id === id) ?? null;
  const view = (membershipId: string): MemberView | null => {
    const row = rows.get(membershipId);
    if (!row) return null;
    const at = new Date();
    const membership = {
      id: membershipId,
      userId: row.userId,
      organizationId: ORGANIZATION.id,
      createdAt: at,
      updatedAt: at,
    } as Membership;
    const user = { id: row.userId, name: 'A member', email: 'member@example.com', emailVerifiedAt: null } as User;
    return { membership, user, role: roleById(row.roleId) as Role };
  };
  const memberships = {
    findMember: (id: string) => Promise.resolve(view(id)),
    findMembership: (userId: string) => {
      const entry = [...rows.entries()].find(([, row]) => row.userId === userId);
      const member = entry ? view(entry[0]) : null;
      return Promise.resolve(member && { membership: member.membership, organization: ORGANIZATION, role: member.role });
    },
    countOwners: () => Promise.resolve([...rows.values()].filter((row) => row.roleId === SYSTEM_ROLE_IDS.owner).length),
    updateRole: (id: string, roleId: string) => {
      (rows.get(id) as { roleId: string }).roleId = roleId;
      return Promise.resolve();
    },
    deleteMembership: (id: string) => {
      rows.delete(id);
      return Promise.resolve();
    },
  } as unknown as MembershipsRepository;
  const organizations = { lockLive: () => Promise.resolve(ORGANIZATION) } as unknown as OrganizationsRepository;
  const roles = { findAvailable: (id: string) => Promise.resolve(roleById(id)) } as unknown as RolesRepository;
  const tx = { run: <T>(work: () => Promise<T>) => work() } as unknown as TransactionHost;
  const audit = { record: () => Promise.resolve() } as unknown as AuditService;
  const events = { emit: () => Promise.resolve() } as unknown as EventsService;
  const access = new OrganizationAccess(organizations, memberships);
  const service = new MembersService(tx, access, memberships, roles, audit, events);
  const who = (name: string, systemRole: Principal['systemRole'] = 'admin'): Principal => ({
    userId: (byName.get(name) as { userId: string }).userId,
    sessionId: randomUUID(),
    email: `${name}@example.com`,
    systemRole,
    organizationId: ORGANIZATION.id,
  });
  const memberId = (name: string) => (byName.get(name) as { membershipId: string }).membershipId;
  const roleOf = (name: string) => roleById((rows.get(memberId(name)) as { roleId: string }).roleId)?.key;
  return { service, who, memberId, roleOf, has: (name: string) => rows.has(memberId(name)) };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  );

describe('MembersService: the last owner', () => {
  it('answers last_owner when the only owner is demoted, and keeps the role', async () => {
    const org = organizationWith([['ada', 'owner']]);
    await expect(codeOf(org.service.changeRole(org.who('ada'), org.memberId('ada'), SYSTEM_ROLE_IDS.admin))).resolves.toBe(
      'last_owner',
    );
    expect(org.roleOf('ada')).toBe('owner');
  });

  it('lets an owner step down while another owner remains', async () => {
    const org = organizationWith([
      ['ada', 'owner'],
      ['grace', 'owner'],
    ]);
    await org.service.changeRole(org.who('ada'), org.memberId('ada'), SYSTEM_ROLE_IDS.admin);
    expect(org.roleOf('ada')).toBe('admin');
  });

  it('answers last_owner when the only owner leaves, and lets any other member leave without members.remove', async () => {
    const org = organizationWith([
      ['ada', 'owner'],
      ['vera', 'viewer'],
    ]);
    await expect(codeOf(org.service.removeMember(org.who('ada'), org.memberId('ada')))).resolves.toBe('last_owner');
    await org.service.removeMember(org.who('vera'), org.memberId('vera'));
    expect(org.has('vera')).toBe(false);
    expect(org.has('ada')).toBe(true);
  });
});

describe('MembersService: no escalation', () => {
  it('refuses an admin who grants or takes away owner: only an owner may', async () => {
    const org = organizationWith([
      ['ada', 'owner'],
      ['alan', 'admin'],
      ['dev', 'developer'],
    ]);
    await expect(codeOf(org.service.changeRole(org.who('alan'), org.memberId('dev'), SYSTEM_ROLE_IDS.owner))).resolves.toBe(
      'forbidden',
    );
    await expect(codeOf(org.service.changeRole(org.who('alan'), org.memberId('ada'), SYSTEM_ROLE_IDS.viewer))).resolves.toBe(
      'forbidden',
    );
    await org.service.changeRole(org.who('ada'), org.memberId('dev'), SYSTEM_ROLE_IDS.owner);
    expect(org.roleOf('dev')).toBe('owner');
  });

  it('refuses a role carrying a permission the caller does not hold', async () => {
    const org = organizationWith([
      ['ada', 'owner'],
      ['alan', 'admin'],
      ['dev', 'developer'],
    ]);
    const error = await org.service
      .changeRole(org.who('alan'), org.memberId('dev'), ROLES.release_manager.id)
      .catch((caught: { code: string; details: unknown }) => caught);
    expect(error).toMatchObject({ code: 'forbidden', details: { permissions: ['org.delete'] } });
    expect(org.roleOf('dev')).toBe('developer');
  });

  it('refuses members.update to a developer and any change to a read_only user', async () => {
    const org = organizationWith([
      ['ada', 'owner'],
      ['dev', 'developer'],
      ['vera', 'viewer'],
    ]);
    await expect(codeOf(org.service.changeRole(org.who('dev'), org.memberId('vera'), SYSTEM_ROLE_IDS.analyst))).resolves.toBe(
      'forbidden',
    );
    await expect(
      codeOf(org.service.changeRole(org.who('ada', 'read_only'), org.memberId('vera'), SYSTEM_ROLE_IDS.analyst)),
    ).resolves.toBe('forbidden');
    expect(org.roleOf('vera')).toBe('viewer');
  });
});
