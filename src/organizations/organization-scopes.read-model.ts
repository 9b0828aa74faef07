import { ReadModel } from '../database/read-model';
import { User } from '../users/user.entity';

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  /** The user's role key there. */
  role: string;
}

/** What a session needs to know about the organization it is scoped to. */
export interface OrganizationScope extends OrganizationSummary {
  permissions: string[];
}

/** A user with every live organization they belong to: what login, refresh and GET /me answer with. */
export interface ProfileView {
  user: User;
  /** Oldest membership first. */
  organizations: OrganizationScope[];
}

/**
 * Every live membership of a user with its organization and role, oldest first, as one JSON
 * column. The one definition of "the user's organizations": GET /organizations reads it alone,
 * and the hot paths (login, refresh, GET /me) compute it in their own single statement.
 */
export const ORGANIZATIONS_OF_USER: ReadModel<OrganizationScope[]> = {
  column: 'organizations',
  select: (userId) => `COALESCE(
    (SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', r.key,
                                       'permissions', r.permissions)
                     ORDER BY m.created_at, m.id)
       FROM memberships m
       JOIN organizations o ON o.id = m.organization_id AND o.deleted_at IS NULL
       JOIN roles r ON r.id = m.role_id
      WHERE m.user_id = ${userId}),
    '[]'::json) AS organizations`,
  read: (row) => row.organizations as OrganizationScope[],
};

/** True when the organization whose id is the SQL expression `id` exists and is not deleted. */
export const organizationIsLive = (id: string) =>
  `EXISTS (SELECT 1 FROM organizations o WHERE o.id = ${id} AND o.deleted_at IS NULL)`;

/** The caller's live role in one organization. */
export interface OrganizationRole {
  role: string;
  permissions: string[];
}

/**
 * The user's live role key and permissions in one organization (null when not a member), as one
 * JSON column: what the gateway check and introspection answer with, computed in the bearer
 * check's own statement.
 */
export const ROLE_IN_ORGANIZATION = {
  column: 'organization_role',
  /** `userId` and `organizationId` are SQL expressions. */
  select: (userId: string, organizationId: string) => `(
    SELECT json_build_object('role', r.key, 'permissions', r.permissions)
      FROM memberships m
      JOIN roles r ON r.id = m.role_id
     WHERE m.user_id = ${userId} AND m.organization_id = ${organizationId}) AS organization_role`,
  read: (row: Record<string, unknown>) => (row.organization_role ?? null) as OrganizationRole | null,
};
