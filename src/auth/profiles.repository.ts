import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { OrganizationScope } from '../organizations/organizations.service';
import { User } from '../users/user.entity';
import { USER_COLUMNS, UserRow, userFromRow } from '../users/user-row';

export interface ProfileView {
  user: User;
  /** Live organizations of the user, oldest membership first (as OrganizationsService.listForUser). */
  organizations: OrganizationScope[];
}

export interface ProfileRow extends UserRow {
  organizations: OrganizationScope[];
}

/** Every live membership of the user u with its role, oldest first, as one JSON array. */
const ORGANIZATIONS_OF_U = `COALESCE(
    (SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', r.key,
                                       'permissions', r.permissions)
                     ORDER BY m.created_at, m.id)
       FROM memberships m
       JOIN organizations o ON o.id = m.organization_id AND o.deleted_at IS NULL
       JOIN roles r ON r.id = m.role_id
      WHERE m.user_id = u.id),
    '[]'::json) AS organizations`;

/** The columns of a ProfileRow, for a statement that reads the users row as `u`. */
export const PROFILE_COLUMNS = `${USER_COLUMNS}, ${ORGANIZATIONS_OF_U}`;

/**
 * A read model for the hot paths (login, GET /me, refresh, switch-organization): the user and
 * every live membership with its role in ONE query, without entity hydration. It must stay
 * equivalent to UsersService.findById + OrganizationsService.listForUser (deleted organizations
 * excluded, oldest membership first); the e2e tests compare them.
 */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly tx: TransactionHost) {}

  async findProfile(userId: string): Promise<ProfileView | null> {
    const rows = await this.tx.prepared<ProfileRow>('find_profile', `SELECT ${PROFILE_COLUMNS} FROM users u WHERE u.id = $1`, [
      userId,
    ]);
    return rows[0] ? toProfile(rows[0]) : null;
  }

  /**
   * A login's only read: the account by email (case-insensitively) with its password hash and
   * the organizations the session will be scoped to, so that after the password check a login
   * needs one write and no further read. The only read besides UsersRepository's that includes
   * the hash; credential checks need it, nothing else does.
   */
  async findByEmailWithPasswordHash(email: string): Promise<ProfileView | null> {
    const rows = await this.tx.prepared<ProfileRow>(
      'find_login_profile',
      `SELECT ${USER_COLUMNS}, u.password_hash, ${ORGANIZATIONS_OF_U} FROM users u WHERE lower(u.email) = lower($1)`,
      [email],
    );
    return rows[0] ? toProfile(rows[0]) : null;
  }
}

export function toProfile(row: ProfileRow): ProfileView {
  return { user: userFromRow(row), organizations: row.organizations };
}
