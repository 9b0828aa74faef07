import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { EventsService } from '../events/events.service';
import { eventData } from './event-data';
import { MembershipRecord, MembershipsRepository } from './memberships.repository';
import { LastOwnerOfOrganizationsError } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { SYSTEM_ROLE_IDS } from './permissions';
import { RolesRepository } from './roles.repository';

/**
 * What organizations hold about one person: their memberships, shown by an export and released
 * by an account deletion.
 */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly roles: RolesRepository,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /** Every membership of the user, in deleted organizations too, oldest first. */
  membershipsOf(userId: string): Promise<MembershipRecord[]> {
    return this.memberships.findAllOfUser(userId);
  }

  /**
   * An account deletion, inside its transaction: an organization where the user is the only
   * member is erased (not soft-deleted: a first organization carries the person's name); from the
   * others the user's membership is removed. Refused (409 last_owner, naming them) while the user
   * is the last owner of a live organization with other members. The organizations are locked
   * first, like every change to one, so no member joins or leaves while this decides.
   */
  async releaseAccount(userId: string): Promise<void> {
    const memberships = await this.lockedMembershipsOf(userId);
    const erased: MembershipRecord[] = [];
    const left: MembershipRecord[] = [];
    const ownerless: string[] = [];
    for (const record of memberships) {
      const organizationId = record.organization.id;
      if ((await this.memberships.countByOrganization(organizationId)) <= 1) erased.push(record);
      else if (record.organization.deletedAt === null && (await this.isLastOwner(record))) ownerless.push(organizationId);
      else left.push(record);
    }
    if (ownerless.length > 0) throw new LastOwnerOfOrganizationsError(ownerless);
    for (const record of left) await this.leave(userId, record);
    for (const record of erased) await this.erase(userId, record);
  }

  /**
   * The user's memberships, with their organizations locked. A membership added between the read
   * and the lock is found by the read after it, and locked in turn.
   */
  private async lockedMembershipsOf(userId: string): Promise<MembershipRecord[]> {
    const locked = new Set<string>();
    for (;;) {
      const memberships = await this.memberships.findAllOfUser(userId);
      const unlocked = memberships.map((record) => record.organization.id).filter((id) => !locked.has(id));
      if (unlocked.length === 0) return memberships;
      await this.organizations.lockAll(unlocked);
      for (const id of unlocked) locked.add(id);
    }
  }

  private async isLastOwner(record: MembershipRecord): Promise<boolean> {
    return record.role.id === SYSTEM_ROLE_IDS.owner && (await this.memberships.countOwners(record.organization.id)) <= 1;
  }

  private async leave(userId: string, record: MembershipRecord): Promise<void> {
    const organizationId = record.organization.id;
    await this.memberships.deleteMembership(record.membership.id);
    await this.audit.record({
      type: 'member.removed',
      actorUserId: userId,
      organizationId,
      targetId: record.membership.id,
      details: { user_id: userId, role: record.role.key, left: true, account_deleted: true },
    });
    await this.events.emit('identity.member.removed', record.membership.id, eventData.member(organizationId, record));
  }

  /** The organization row goes for good, with its memberships, invitations and custom roles. */
  private async erase(userId: string, { organization }: MembershipRecord): Promise<void> {
    await this.organizations.erase(organization.id);
    await this.roles.deleteAllOfOrganization(organization.id);
    await this.audit.record({
      type: 'organization.deleted',
      actorUserId: userId,
      organizationId: organization.id,
      targetId: organization.id,
      details: { erased: true, account_deleted: true },
    });
    // A soft-deleted organization was announced when it was deleted.
    if (organization.deletedAt === null)
      await this.events.emit('identity.organization.deleted', organization.id, eventData.organization(organization));
  }
}
