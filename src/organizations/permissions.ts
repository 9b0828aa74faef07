/** The permission catalog of the contract; a permission outside it is refused. */
export const PERMISSIONS = {
  'org.read': 'Read the organization',
  'org.update': 'Rename the organization or change its slug',
  'org.delete': 'Delete the organization',
  'members.read': 'List members and invitations',
  'members.invite': 'Invite members and revoke invitations',
  'members.update': "Change a member's role",
  'members.remove': 'Remove members',
  'roles.read': 'List roles',
  'roles.create': 'Create custom roles',
  'roles.update': 'Change custom roles',
  'roles.delete': 'Delete custom roles',
  'projects.read': 'Read projects',
  'projects.write': 'Create and change projects',
  'projects.delete': 'Delete projects',
  'project_members.read': 'List project members',
  'project_members.write': 'Change project members',
  'environments.read': 'Read environments',
  'environments.write': 'Create and change environments',
  'environments.delete': 'Delete environments',
  'api_keys.read': 'List API keys',
  'api_keys.write': 'Create and revoke API keys',
  'flags.read': 'Read feature flags',
  'flags.write': 'Change feature flags',
  'rules.read': 'Read targeting rules',
  'rules.write': 'Change targeting rules',
  'usage.read': 'Read usage',
  'billing.read': 'Read billing',
  'billing.write': 'Change billing',
  'exports.write': 'Export data',
  'audit.read': 'Read the audit trail',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export type SystemRoleKey = 'owner' | 'admin' | 'developer' | 'analyst' | 'viewer';

/**
 * The built-in roles, the same rows in every organization. Their ids are fixed by the initial
 * migration so that every environment agrees on them.
 */
export const SYSTEM_ROLE_IDS: Record<SystemRoleKey, string> = {
  owner: '00000000-0000-4000-8000-000000000001',
  admin: '00000000-0000-4000-8000-000000000002',
  developer: '00000000-0000-4000-8000-000000000003',
  analyst: '00000000-0000-4000-8000-000000000004',
  viewer: '00000000-0000-4000-8000-000000000005',
};

export const SYSTEM_ROLE_KEYS = Object.keys(SYSTEM_ROLE_IDS) as SystemRoleKey[];

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** Splits a requested list into catalog permissions (deduplicated, in catalog order) and unknown ones. */
export function sortPermissions(requested: readonly string[]): { permissions: Permission[]; unknown: string[] } {
  const wanted = new Set(requested);
  const unknown = [...wanted].filter((value) => !isPermission(value));
  return { permissions: ALL_PERMISSIONS.filter((permission) => wanted.has(permission)), unknown };
}
