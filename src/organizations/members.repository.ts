import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import { User } from '../users/user.entity';
import { Membership } from './membership.entity';
import { SYSTEM_ROLE_IDS } from './permissions';
import { Role } from './role.entity';

/** A membership with its user and role loaded. */
export interface MemberView {
  membership: Membership;
  user: User;
  role: Role;
}

@Injectable()
export class MembersRepository {
  constructor(private readonly tx: TransactionHost) {}

  private query() {
    return this.tx.manager
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .innerJoinAndSelect('membership.user', 'user')
      .innerJoinAndSelect('membership.role', 'role');
  }

  async listByOrganization(organizationId: string): Promise<MemberView[]> {
    const memberships = await this.query()
      .where('membership.organizationId = :organizationId', { organizationId })
      .orderBy('membership.createdAt', 'ASC')
      .addOrderBy('membership.id', 'ASC')
      .getMany();
    return memberships.map(toMemberView);
  }

  async findInOrganization(id: string, organizationId: string): Promise<MemberView | null> {
    const membership = await this.query()
      .where('membership.id = :id AND membership.organizationId = :organizationId', { id, organizationId })
      .getOne();
    return membership ? toMemberView(membership) : null;
  }

  existsWithEmail(organizationId: string, email: string): Promise<boolean> {
    return this.query()
      .where('membership.organizationId = :organizationId AND lower(user.email) = lower(:email)', { organizationId, email })
      .getExists();
  }

  countByOrganization(organizationId: string): Promise<number> {
    return this.tx.manager.getRepository(Membership).countBy({ organizationId });
  }

  countOwners(organizationId: string): Promise<number> {
    return this.tx.manager.getRepository(Membership).countBy({ organizationId, roleId: SYSTEM_ROLE_IDS.owner });
  }

  existsWithRole(roleId: string): Promise<boolean> {
    return this.tx.manager.getRepository(Membership).existsBy({ roleId });
  }

  async updateRole(id: string, roleId: string): Promise<void> {
    await this.tx.manager.getRepository(Membership).update({ id }, { roleId });
  }

  async deleteMembership(id: string): Promise<void> {
    await this.tx.manager.getRepository(Membership).delete({ id });
  }
}

function toMemberView(membership: Membership): MemberView {
  // Both relations are inner-joined by every query above.
  return { membership, user: membership.user as User, role: membership.role as Role };
}
