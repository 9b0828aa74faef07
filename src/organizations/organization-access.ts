import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { MembershipsRepository } from './memberships.repository';
import { Organization } from './organization.entity';
import {
  NoOrganizationScopeError,
  NotAMemberError,
  OrganizationNotFoundError,
  OwnerOnlyError,
  PermissionDeniedError,
  PermissionNotHeldError,
  ReadOnlyUserError,
} from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { Permission, SYSTEM_ROLE_IDS } from './permissions';
import { Role } from './role.entity';

/** Which organization a request concerns. */
export type AccessScope =
  /** Members, roles, invitations: the organization the access token is scoped to. */
  | { kind: 'token' }
  /** Organizations: the one named in the path. */
  | { kind: 'path'; organizationId: string };

export type AccessMode = 'read' | 'write';

/** The caller's live standing in the organization concerned. */
export interface Access {
  userId: string;
  membershipId: string;
  organization: Organization;
  role: Role;
  isOwner: boolean;
}

export const TOKEN_SCOPE: AccessScope = { kind: 'token' };

/**
 * The one place where permissions are checked. It reads the caller's membership and role live,
 * never the copy in the token, so a removed member or a lowered role loses access at once.
 * Services call it first, inside the use case's transaction.
 */
@Injectable()
export class OrganizationAccess {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  /**
   * Returns the caller's access or throws: 403 for a read_only user on a write, for a token with
   * no organization, for a token-scoped caller who is no longer a member, and for a missing
   * permission; 404 for an organization in the path the caller cannot see. A write first locks
   * the organization's row, so the membership read afterwards is current until the transaction ends.
   */
  async authorize(principal: Principal, scope: AccessScope, permission: Permission | null, mode: AccessMode): Promise<Access> {
    if (mode === 'write' && principal.systemRole === 'read_only') throw new ReadOnlyUserError();
    const organizationId = scope.kind === 'path' ? scope.organizationId : principal.organizationId;
    if (organizationId === null) throw new NoOrganizationScopeError();
    const notVisible = () => (scope.kind === 'path' ? new OrganizationNotFoundError() : new NotAMemberError());
    if (mode === 'write' && !(await this.organizations.lockLive(organizationId))) throw notVisible();
    const view = await this.memberships.findMembership(principal.userId, organizationId);
    if (!view) throw notVisible();
    const access: Access = {
      userId: principal.userId,
      membershipId: view.membership.id,
      organization: view.organization,
      role: view.role,
      isOwner: view.role.id === SYSTEM_ROLE_IDS.owner,
    };
    if (permission !== null) this.require(access, permission);
    return access;
  }

  require(access: Access, permission: Permission): void {
    if (!access.role.permissions.includes(permission)) throw new PermissionDeniedError(permission);
  }

  /** Only an owner grants or takes away the owner role. */
  requireOwner(access: Access): void {
    if (!access.isOwner) throw new OwnerOnlyError();
  }

  /** Nobody hands out a permission they do not hold themselves (no escalation through roles). */
  requireHeld(access: Access, permissions: readonly string[]): void {
    const missing = permissions.filter((permission) => !access.role.permissions.includes(permission));
    if (missing.length > 0) throw new PermissionNotHeldError(missing);
  }
}
