import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { Role } from './role.entity';

export interface NewRole {
  organizationId: string;
  key: string;
  name: string;
  permissions: string[];
}

@Injectable()
export class RolesRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(Role);
  }

  /** The built-in roles (in their fixed order) followed by the organization's own, oldest first. */
  listForOrganization(organizationId: string): Promise<Role[]> {
    return this.repository
      .createQueryBuilder('role')
      .where('role.organizationId IS NULL OR role.organizationId = :organizationId', { organizationId })
      .orderBy('role.organizationId IS NOT NULL', 'ASC')
      .addOrderBy('role.createdAt', 'ASC')
      .addOrderBy('role.id', 'ASC')
      .getMany();
  }

  /** A built-in role or one of the organization's own; another organization's role is invisible. */
  findAvailable(id: string, organizationId: string): Promise<Role | null> {
    return this.repository
      .createQueryBuilder('role')
      .where('role.id = :id AND (role.organizationId IS NULL OR role.organizationId = :organizationId)', { id, organizationId })
      .getOne();
  }

  /** Inserts unless the key is taken in the organization (then null), keeping the transaction usable. */
  async insertUnlessKeyTaken(role: NewRole): Promise<Role | null> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .into(Role)
      .values({ ...role, isSystem: false })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id === undefined ? null : this.repository.findOneByOrFail({ id });
  }

  async updateRole(id: string, changes: { name?: string; permissions?: string[] }): Promise<void> {
    await this.repository.update({ id }, changes);
  }

  async deleteRole(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  /** The organization's own roles (an erased organization's, once nothing holds or offers them). */
  async deleteAllOfOrganization(organizationId: string): Promise<void> {
    await this.repository.delete({ organizationId });
  }
}
