import type { SystemRole } from '../common/request/principal';
import { User } from './user.entity';

/** The columns of a UserRow (all but the password hash), for raw SQL that reads users as `u`. */
export const USER_COLUMNS =
  'u.id, u.name, u.email, u.role, u.email_verified_at, u.last_organization_id, u.created_at, u.updated_at';

/** A users row as raw SQL returns it (the hot paths skip TypeORM's entity hydration). */
export interface UserRow {
  id: string;
  name: string;
  email: string;
  /** Only the credential check selects it. */
  password_hash?: string;
  role: SystemRole;
  email_verified_at: Date | null;
  last_organization_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function userFromRow(row: UserRow): User {
  return Object.assign(new User(), {
    id: row.id,
    name: row.name,
    email: row.email,
    ...(row.password_hash === undefined ? {} : { passwordHash: row.password_hash }),
    role: row.role,
    emailVerifiedAt: row.email_verified_at,
    lastOrganizationId: row.last_organization_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
