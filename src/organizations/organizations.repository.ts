import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import { TransactionHost } from '../database/transaction-host';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get manager() {
    return this.tx.manager;
  }

  /** Slugs in use (deleted organizations included) that are `base` or `base-<n>`. */
  async findSlugsLike(base: string): Promise<string[]> {
    const rows = await this.manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .withDeleted()
      .select('organization.slug', 'slug')
      .where('organization.slug = :base OR organization.slug LIKE :pattern', { base, pattern: `${base}-%` })
      .getRawMany<{ slug: string }>();
    return rows.map((row) => row.slug);
  }

  /** Inserts unless the slug is taken (then null), without aborting the surrounding transaction. */
  async insertOrganizationUnlessSlugTaken(name: string, slug: string): Promise<Organization | null> {
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(Organization)
      .values({ name, slug })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id === undefined ? null : this.manager.getRepository(Organization).findOneByOrFail({ id });
  }

  findLiveById(id: string): Promise<Organization | null> {
    return this.manager.getRepository(Organization).findOneBy({ id });
  }

  /**
   * Locks a live organization's row until the transaction ends. Every change to the
   * organization, its members, roles and invitations takes this lock first, so such changes
   * are serialized per organization and each sees the others' results.
   */
  lockLive(id: string): Promise<Organization | null> {
    return this.manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .setLock('pessimistic_write')
      .where('organization.id = :id', { id })
      .getOne();
  }

  /**
   * Locks organizations' rows, deleted ones too, until the transaction ends: in id order, so two
   * use cases that lock several never wait for each other in a cycle.
   */
  async lockAll(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.query('SELECT id FROM organizations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  }

  /** Deletes the row for good; its memberships and invitations go with it (foreign keys). */
  async erase(id: string): Promise<void> {
    await this.manager.getRepository(Organization).delete({ id });
  }

  /** Deleted organizations keep their slug reserved. */
  isSlugTakenByAnother(slug: string, id: string): Promise<boolean> {
    return this.manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .withDeleted()
      .where('organization.slug = :slug AND organization.id <> :id', { slug, id })
      .getExists();
  }

  /**
   * Returns false when the new slug collided with another organization's (a race the caller's
   * check did not see). The transaction is then unusable: the caller must end it by throwing.
   */
  async updateOrganization(id: string, changes: { name?: string; slug?: string }): Promise<boolean> {
    try {
      await this.manager.getRepository(Organization).update({ id }, changes);
      return true;
    } catch (error) {
      if (isUniqueViolation(error, 'uq_organizations_slug')) return false;
      throw error;
    }
  }

  async softDelete(id: string): Promise<void> {
    await this.manager.getRepository(Organization).softDelete({ id });
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}
