import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { eventData } from './event-data';
import { InvitationsRepository } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import {
  RoleInUseError,
  RoleKeyTakenError,
  RoleNotFoundError,
  SystemRoleError,
  UnknownPermissionError,
} from './organizations.errors';
import { Permission, PERMISSIONS, sortPermissions, SYSTEM_ROLE_KEYS } from './permissions';
import { Role } from './role.entity';
import { RolesRepository } from './roles.repository';

export interface RoleDraft {
  key: string;
  name: string;
  permissions: string[];
}

export interface RoleChanges {
  name?: string;
  permissions?: string[];
}

export interface PermissionDescription {
  key: Permission;
  description: string;
}

/** Built-in roles and the custom roles of the organization the caller's token is scoped to. */
@Injectable()
export class RolesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly roles: RolesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  listPermissions(): PermissionDescription[] {
    return (Object.entries(PERMISSIONS) as [Permission, string][]).map(([key, description]) => ({ key, description }));
  }

  listRoles(principal: Principal): Promise<Role[]> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'roles.read', 'read');
      return this.roles.listForOrganization(organization.id);
    });
  }

  createRole(principal: Principal, draft: RoleDraft): Promise<Role> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'roles.create', 'write');
      const permissions = checkedPermissions(draft.permissions);
      this.access.requireHeld(access, permissions);
      if ((SYSTEM_ROLE_KEYS as string[]).includes(draft.key)) throw new RoleKeyTakenError();
      const role = await this.roles.insertUnlessKeyTaken({
        organizationId: access.organization.id,
        key: draft.key,
        name: draft.name,
        permissions,
      });
      if (!role) throw new RoleKeyTakenError();
      await this.audit.record({
        type: 'role.created',
        actorUserId: principal.userId,
        organizationId: access.organization.id,
        targetId: role.id,
        details: { key: role.key, permissions: role.permissions.join(' ') },
      });
      await this.events.emit('identity.role.created', role.id, eventData.role(access.organization.id, role));
      return role;
    });
  }

  /** Renames a custom role and/or replaces its permissions; members holding it are affected at once. */
  updateRole(principal: Principal, id: string, changes: RoleChanges): Promise<Role> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'roles.update', 'write');
      const role = await this.findCustomRole(id, access.organization.id);
      const update: RoleChanges = {};
      if (changes.name !== undefined) update.name = changes.name;
      if (changes.permissions !== undefined) {
        update.permissions = checkedPermissions(changes.permissions);
        this.access.requireHeld(access, update.permissions);
      }
      if (Object.keys(update).length > 0) {
        await this.roles.updateRole(role.id, update);
        await this.audit.record({
          type: 'role.updated',
          actorUserId: principal.userId,
          organizationId: access.organization.id,
          targetId: role.id,
          details: {
            key: role.key,
            ...(update.permissions ? { permissions: update.permissions.join(' ') } : {}),
            ...(update.name ? { name: update.name } : {}),
          },
        });
      }
      const updated = (await this.roles.findAvailable(role.id, access.organization.id)) as Role;
      if (Object.keys(update).length > 0) {
        await this.events.emit('identity.role.updated', role.id, eventData.role(access.organization.id, updated));
      }
      return updated;
    });
  }

  deleteRole(principal: Principal, id: string): Promise<void> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'roles.delete', 'write');
      const role = await this.findCustomRole(id, access.organization.id);
      if (
        (await this.memberships.existsWithRole(role.id)) ||
        (await this.invitations.existsPendingWithRole(role.id, new Date()))
      ) {
        throw new RoleInUseError();
      }
      await this.roles.deleteRole(role.id);
      await this.audit.record({
        type: 'role.deleted',
        actorUserId: principal.userId,
        organizationId: access.organization.id,
        targetId: role.id,
        details: { key: role.key },
      });
      await this.events.emit('identity.role.deleted', role.id, eventData.role(access.organization.id, role));
    });
  }

  private async findCustomRole(id: string, organizationId: string): Promise<Role> {
    const role = await this.roles.findAvailable(id, organizationId);
    if (!role) throw new RoleNotFoundError();
    if (role.isSystem) throw new SystemRoleError();
    return role;
  }
}

function checkedPermissions(requested: string[]): Permission[] {
  const { permissions, unknown } = sortPermissions(requested);
  if (unknown.length > 0) throw new UnknownPermissionError(unknown);
  return permissions;
}
