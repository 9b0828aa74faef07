import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { OrganizationScope } from '../organizations/organizations.service';
import { User } from '../users/user.entity';
import { UserRow, userFromRow } from '../users/user-row';

export interface ProfileView {
  user: User;
  /** Live organizations of the user, oldest membership first (as OrganizationsService.listForUser). */
  organizations: OrganizationScope[];
}

interface ProfileRow extends UserRow {
  organizations: OrganizationScope[];
}

/**
 * A read model for the hot paths (GET /me, refresh, switch-organization): the user and every
 * live membership with its role in ONE query, without entity hydration. It must stay equivalent
 * to UsersService.findById + OrganizationsService.listForUser (deleted organizations excluded,
 * oldest membership first); the e2e tests compare them.
 */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly tx: TransactionHost) {}

  async findProfile(userId: string): Promise<ProfileView | null> {
    const rows = await this.tx.prepared<ProfileRow>(
      'find_profile',
      `SELECT u.id, u.name, u.email, u.role, u.email_verified_at, u.last_organization_id, u.created_at, u.updated_at,
              COALESCE(
                (SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', r.key,
                                                   'permissions', r.permissions)
                                 ORDER BY m.created_at, m.id)
                   FROM memberships m
                   JOIN organizations o ON o.id = m.organization_id AND o.deleted_at IS NULL
                   JOIN roles r ON r.id = m.role_id
                  WHERE m.user_id = u.id),
                '[]'::json) AS organizations
         FROM users u
        WHERE u.id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) return null;
    const user = userFromRow(row);
    return { user, organizations: row.organizations };
  }
}
