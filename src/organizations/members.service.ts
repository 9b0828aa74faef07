import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { eventData } from './event-data';
import { MembershipsRepository, MemberView } from './memberships.repository';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import { LastOwnerError, MemberNotFoundError, UnknownRoleIdError } from './organizations.errors';
import { SYSTEM_ROLE_IDS } from './permissions';
import { RolesRepository } from './roles.repository';

/** Members of the organization the caller's access token is scoped to. */
@Injectable()
export class MembersService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly memberships: MembershipsRepository,
    private readonly roles: RolesRepository,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  listMembers(principal: Principal): Promise<MemberView[]> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'members.read', 'read');
      return this.memberships.listMembers(organization.id);
    });
  }

  /** Gives a member another role; the organization keeps an owner, and only an owner moves anyone into or out of owner. */
  changeRole(principal: Principal, memberId: string, roleId: string): Promise<MemberView> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'members.update', 'write');
      const organizationId = access.organization.id;
      const target = await this.memberships.findMember(memberId, organizationId);
      if (!target) throw new MemberNotFoundError();
      const role = await this.roles.findAvailable(roleId, organizationId);
      if (!role) throw new UnknownRoleIdError();
      if (role.id === target.role.id) return target;
      const wasOwner = target.role.id === SYSTEM_ROLE_IDS.owner;
      if (wasOwner || role.id === SYSTEM_ROLE_IDS.owner) this.access.requireOwner(access);
      this.access.requireHeld(access, role.permissions);
      if (wasOwner && (await this.memberships.countOwners(organizationId)) <= 1) throw new LastOwnerError();
      await this.memberships.updateRole(memberId, role.id);
      await this.audit.record({
        type: 'member.role_changed',
        actorUserId: principal.userId,
        organizationId,
        targetId: memberId,
        details: { user_id: target.user.id, from: target.role.key, to: role.key },
      });
      const changed = (await this.memberships.findMember(memberId, organizationId)) as MemberView;
      await this.events.emit('identity.member.role_changed', memberId, eventData.member(organizationId, changed));
      return changed;
    });
  }

  /**
   * Removes a member. Anyone may leave (remove their own membership) without members.remove;
   * removing an owner takes an owner; the last owner can neither leave nor be removed.
   */
  removeMember(principal: Principal, memberId: string): Promise<void> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, null, 'write');
      const organizationId = access.organization.id;
      const target = await this.memberships.findMember(memberId, organizationId);
      const leaving = target?.membership.id === access.membershipId;
      if (!leaving) this.access.require(access, 'members.remove');
      if (!target) throw new MemberNotFoundError();
      const isOwner = target.role.id === SYSTEM_ROLE_IDS.owner;
      if (isOwner && !leaving) this.access.requireOwner(access);
      if (isOwner && (await this.memberships.countOwners(organizationId)) <= 1) throw new LastOwnerError();
      await this.memberships.deleteMembership(memberId);
      await this.audit.record({
        type: 'member.removed',
        actorUserId: principal.userId,
        organizationId,
        targetId: memberId,
        details: { user_id: target.user.id, role: target.role.key, left: leaving },
      });
      await this.events.emit('identity.member.removed', memberId, eventData.member(organizationId, target));
    });
  }
}
