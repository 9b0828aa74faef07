import { Injectable } from '@nestjs/common';
import { AuditPage, AuditService, decodeCursor } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { TransactionHost } from '../database/transaction-host';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import { LastOrganizationError, ReadOnlyUserError, SlugTakenError } from './organizations.errors';
import { Organization } from './organization.entity';
import { MembershipView, OrganizationsRepository } from './organizations.repository';
import { SYSTEM_ROLE_IDS } from './permissions';
import { firstFreeSlug, slugify } from './slug';

// Concurrent creations may race for the same slug; each retry sees the winner's slug.
const SLUG_ATTEMPTS = 5;

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  role: string;
}

/** What a session needs to know about the organization it is scoped to. */
export interface OrganizationScope extends OrganizationSummary {
  permissions: string[];
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly audit: AuditService,
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
      return (await this.organizations.findLiveById(id)) as Organization;
    });
  }

  /** DELETE /organizations/{id}: soft delete; refused when it is the caller's only live organization. */
  deleteOrganization(principal: Principal, id: string): Promise<void> {
    return this.tx.run(async () => {
      await this.access.authorize(principal, { kind: 'path', organizationId: id }, 'org.delete', 'write');
      if ((await this.organizations.countLiveMembershipsOfUser(principal.userId)) <= 1) throw new LastOrganizationError();
      await this.organizations.softDelete(id);
      await this.audit.record({ type: 'organization.deleted', actorUserId: principal.userId, organizationId: id, targetId: id });
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
        await this.organizations.insertMembership(userId, organization.id, SYSTEM_ROLE_IDS.owner);
        const view = await this.organizations.findMembership(userId, organization.id);
        return toScope(view as MembershipView);
      }
      if (attempt >= SLUG_ATTEMPTS) throw new Error(`no free slug for "${base}" after ${SLUG_ATTEMPTS} attempts`);
    }
  }

  /** Every live organization the user belongs to, oldest membership first. */
  async listForUser(userId: string): Promise<OrganizationScope[]> {
    return (await this.organizations.findMembershipsOfUser(userId)).map(toScope);
  }

  /** True when the organization exists and is not deleted. */
  isLive(organizationId: string): Promise<boolean> {
    return this.organizations.existsLive(organizationId);
  }

  /** The user's live membership in one organization, or null. */
  async findScope(userId: string, organizationId: string): Promise<OrganizationScope | null> {
    const view = await this.organizations.findMembership(userId, organizationId);
    return view ? toScope(view) : null;
  }
}

export function toScope({ organization, role }: MembershipView): OrganizationScope {
  return { ...toSummaryFields(organization), role: role.key, permissions: [...role.permissions] };
}

function toSummaryFields(organization: Organization): Omit<OrganizationSummary, 'role'> {
  return { id: organization.id, slug: organization.slug, name: organization.name };
}
