import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { Passkey } from './passkey.entity';

export type NewPasskey = Pick<
  Passkey,
  'userId' | 'credentialId' | 'publicKey' | 'counter' | 'transports' | 'deviceType' | 'backedUp' | 'name'
>;

@Injectable()
export class PasskeysRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(Passkey);
  }

  /**
   * The new passkey, or null when its credential id is registered already (to anyone):
   * ON CONFLICT keeps the surrounding transaction usable.
   */
  async insertUnlessRegistered(passkey: NewPasskey): Promise<Passkey | null> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .into(Passkey)
      .values(passkey)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id === undefined ? null : this.repository.findOneBy({ id });
  }

  /** Oldest first. */
  findByUser(userId: string): Promise<Passkey[]> {
    return this.repository.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  countByUser(userId: string): Promise<number> {
    return this.repository.countBy({ userId });
  }

  findByCredentialId(credentialId: string): Promise<Passkey | null> {
    return this.repository.findOneBy({ credentialId });
  }

  /**
   * Records a use: the new counter, backup state and last_used_at, only while the stored counter
   * is still `expectedCounter` (compare and set). False when another use got there first: of two
   * sign-ins with the same counter value, one wins.
   */
  async recordUse(id: string, expectedCounter: number, use: { counter: number; backedUp: boolean }): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update(Passkey)
      .set({ counter: use.counter, backedUp: use.backedUp, lastUsedAt: () => 'now()' })
      .where('id = :id AND counter = :expectedCounter', { id, expectedCounter })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The deleted passkey's name, or null when the user has none with this id (one statement: of two deletes, one wins). */
  async deleteOfUser(id: string, userId: string): Promise<{ id: string; name: string } | null> {
    // TypeORM returns [rows, count] for DELETE … RETURNING on PostgreSQL.
    const [rows] = await this.tx.manager.query<[{ id: string; name: string }[], number]>(
      'DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING id, name',
      [id, userId],
    );
    return rows[0] ?? null;
  }
}
