import { Injectable } from '@nestjs/common';

import { AuditPage, AuditService, decodeCursor } from '../audit/audit.service';
import { AppError } from '../common/errors/app-error';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { eventData } from './event-data';
import { MembershipsRepository, MembershipView, MemberView } from './memberships.repository';
import { Organization } from './organization.entity';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import { OrganizationScope } from './organization-scopes.read-model';
import { LastOrganizationError, ReadOnlyUserError, SlugTakenError } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { SYSTEM_ROLE_IDS } from './permissions';
import { firstFreeSlug, slugify } from './slug';

// Concurrent creations may race for the same slug; each retry sees the winner's slug.
const SLUG_ATTEMPTS = 5;

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /** GET /audit-events: the trail of the token's organization, for holders of audit.read (checked live). */
  auditTrail(principal: Principal, limit: number, cursor: string | undefined): Promise<AuditPage> {
    if (cursor !== undefined && !decodeCursor(cursor)) {
      throw AppError.invalidRequest([{ field: 'cursor', message: 'cursor is not valid' }]);
    }
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'audit.read', 'read');
      return this.audit.page(organization.id, limit, cursor);
    });
  }

  /** GET /organizations/{id}: needs org.read in that organization. */
  getOrganization(principal: Principal, id: string): Promise<Organization> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, { kind: 'path', organizationId: id }, 'org.read', 'read');
      return access.organization;
    });
  }

  /** PATCH /organizations/{id}: renames and/or changes the slug (unique, deleted organizations' included). */
  updateOrganization(principal: Principal, id: string, changes: { name?: string; slug?: string }): Promise<Organization> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(
        principal,
        { kind: 'path', organizationId: id },
        'org.update',
        'write',
      );
      const update: { name?: string; slug?: string } = {};
      if (changes.name !== undefined && changes.name !== organization.name) update.name = changes.name;
      if (changes.slug !== undefined && changes.slug !== organization.slug) {
        if (await this.organizations.isSlugTakenByAnother(changes.slug, id)) throw new SlugTakenError();
        update.slug = changes.slug;
      }
      if (Object.keys(update).length === 0) return organization;
      if (!(await this.organizations.updateOrganization(id, update))) throw new SlugTakenError();
      const updated = (await this.organizations.findLiveById(id)) as Organization;
      await this.events.emit('identity.organization.updated', id, eventData.organization(updated));
      return updated;
    });
  }

  /** DELETE /organizations/{id}: soft delete; refused when it is the caller's only live organization. */
  deleteOrganization(principal: Principal, id: string): Promise<void> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(
        principal,
        { kind: 'path', organizationId: id },
        'org.delete',
        'write',
      );
      if ((await this.memberships.countLiveOfUser(principal.userId)) <= 1) throw new LastOrganizationError();
      await this.organizations.softDelete(id);
      await this.audit.record({ type: 'organization.deleted', actorUserId: principal.userId, organizationId: id, targetId: id });
      await this.events.emit('identity.organization.deleted', id, eventData.organization(organization));
    });
  }

  /** POST /organizations: any user but a read_only one may create an organization and own it. */
  async createOrganizationFor(principal: Principal, name: string): Promise<OrganizationScope> {
    if (principal.systemRole === 'read_only') throw new ReadOnlyUserError();
    return this.tx.run(() => this.createOrganization(principal.userId, name));
  }

  /** Creates an organization with a unique slug derived from its name and makes `userId` its owner. */
  async createOrganization(userId: string, name: string): Promise<OrganizationScope> {
    const base = slugify(name);
    for (let attempt = 1; ; attempt++) {
      const slug = firstFreeSlug(base, await this.organizations.findSlugsLike(base));
      const organization = await this.organizations.insertOrganizationUnlessSlugTaken(name, slug);
      if (organization) {
        const membership = await this.memberships.insertMembership(userId, organization.id, SYSTEM_ROLE_IDS.owner);
        await this.events.emit('identity.organization.created', organization.id, eventData.organization(organization));
        await this.events.emit('identity.member.added', membership.id, async () =>
          eventData.member(organization.id, (await this.memberships.findMember(membership.id, organization.id)) as MemberView),
        );
        const view = await this.memberships.findMembership(userId, organization.id);
        return toScope(view as MembershipView);
      }
      if (attempt >= SLUG_ATTEMPTS) throw new Error(`no free slug for "${base}" after ${SLUG_ATTEMPTS} attempts`);
    }
  }

  /** Every live organization the user belongs to, oldest membership first. */
  listForUser(userId: string): Promise<OrganizationScope[]> {
    return this.memberships.findScopesOfUser(userId);
  }
}

function toScope({ organization, role }: MembershipView): OrganizationScope {
  return {
    id: organization.id,
    slug: organization.slug,
    name: organization.name,
    role: role.key,
    permissions: [...role.permissions],
  };
}
