import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { User } from '../users/user.entity';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { ORGANIZATIONS_OF_USER, OrganizationScope } from './organization-scopes.read-model';
import { SYSTEM_ROLE_IDS } from './permissions';
import { Role } from './role.entity';

/** A membership with its user and role: a member as the members endpoints show it. */
export interface MemberView {
  membership: Membership;
  user: User;
  role: Role;
}

/** A live membership with its organization and role: the caller's standing in an organization. */
export interface MembershipView {
  membership: Membership;
  organization: Organization;
  role: Role;
}

/** A membership with its organization (deleted ones too), role and user. */
export interface MembershipRecord extends MemberView {
  organization: Organization;
}

/** The memberships table: every membership is written here and nowhere else. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(Membership);
  }

  private members() {
    return this.repository
      .createQueryBuilder('membership')
      .innerJoinAndSelect('membership.user', 'user')
      .innerJoinAndSelect('membership.role', 'role');
  }

  async insertMembership(userId: string, organizationId: string, roleId: string): Promise<Membership> {
    return this.repository.save({ userId, organizationId, roleId });
  }

  async updateRole(id: string, roleId: string): Promise<void> {
    await this.repository.update({ id }, { roleId });
  }

  async deleteMembership(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  async listMembers(organizationId: string): Promise<MemberView[]> {
    const memberships = await this.members()
      .where('membership.organizationId = :organizationId', { organizationId })
      .orderBy('membership.createdAt', 'ASC')
      .addOrderBy('membership.id', 'ASC')
      .getMany();
    return memberships.map(toMemberView);
  }

  async findMember(id: string, organizationId: string): Promise<MemberView | null> {
    const membership = await this.members()
      .where('membership.id = :id AND membership.organizationId = :organizationId', { id, organizationId })
      .getOne();
    return membership ? toMemberView(membership) : null;
  }

  /** The user's membership in a live organization, with the organization and the role. */
  async findMembership(userId: string, organizationId: string): Promise<MembershipView | null> {
    const membership = await this.repository
      .createQueryBuilder('membership')
      .innerJoinAndSelect('membership.organization', 'organization')
      .innerJoinAndSelect('membership.role', 'role')
      .where('membership.userId = :userId AND membership.organizationId = :organizationId', { userId, organizationId })
      .getOne();
    // Soft-deleted organizations are excluded by TypeORM's default filter on the inner join.
    return membership
      ? { membership, organization: membership.organization as Organization, role: membership.role as Role }
      : null;
  }

  /** Every membership of the user, in live and deleted organizations, oldest first. */
  async findAllOfUser(userId: string): Promise<MembershipRecord[]> {
    const memberships = await this.members()
      .withDeleted()
      .innerJoinAndSelect('membership.organization', 'organization')
      .where('membership.userId = :userId', { userId })
      .orderBy('membership.createdAt', 'ASC')
      .addOrderBy('membership.id', 'ASC')
      .getMany();
    return memberships.map((membership) => ({
      ...toMemberView(membership),
      organization: membership.organization as Organization,
    }));
  }

  /** Every live organization of the user with their role there, oldest membership first. */
  async findScopesOfUser(userId: string): Promise<OrganizationScope[]> {
    const [row] = await this.tx.manager.query<Record<string, unknown>[]>(`SELECT ${ORGANIZATIONS_OF_USER.select('$1::uuid')}`, [
      userId,
    ]);
    return ORGANIZATIONS_OF_USER.read(row);
  }

  /** `email` normalised (normalizeEmail), as users store it. */
  existsWithEmail(organizationId: string, email: string): Promise<boolean> {
    return this.members()
      .where('membership.organizationId = :organizationId AND user.email = :email', { organizationId, email })
      .getExists();
  }

  countByOrganization(organizationId: string): Promise<number> {
    return this.repository.countBy({ organizationId });
  }

  countOwners(organizationId: string): Promise<number> {
    return this.repository.countBy({ organizationId, roleId: SYSTEM_ROLE_IDS.owner });
  }

  /** Memberships of the user in organizations that are not deleted. */
  countLiveOfUser(userId: string): Promise<number> {
    return this.repository
      .createQueryBuilder('membership')
      .innerJoin('membership.organization', 'organization')
      .where('membership.userId = :userId', { userId })
      .getCount();
  }

  existsWithRole(roleId: string): Promise<boolean> {
    return this.repository.existsBy({ roleId });
  }
}

function toMemberView(membership: Membership): MemberView {
  // Both relations are inner-joined by every query above.
  return { membership, user: membership.user as User, role: membership.role as Role };
}
