import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { RefreshTokenKey } from './refresh-token-key.entity';
import { SigningKey } from './signing-key.entity';

export interface StoredSigningKey {
  kid: string;
  algorithm: string;
  material: string;
  createdAt: Date;
  retiredAt: Date | null;
}

// Any constant shared by every replica; it serializes key generation.
const KEY_GENERATION_LOCK = 727_002;

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serializes generation across replicas until the surrounding transaction ends. */
  async lockForGeneration(): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_GENERATION_LOCK]);
  }

  findAllWithMaterial(algorithm: string): Promise<StoredSigningKey[]> {
    return this.tx.manager
      .getRepository(SigningKey)
      .createQueryBuilder('key')
      .addSelect('key.material')
      .where('key.algorithm = :algorithm', { algorithm })
      .orderBy('key.createdAt', 'DESC')
      .getMany() as Promise<StoredSigningKey[]>;
  }

  async insert(key: { kid: string; algorithm: string; material: string }): Promise<void> {
    await this.tx.manager.getRepository(SigningKey).insert(key);
  }

  /** The refresh-token key: the oldest row, should a second one ever be written. */
  async findRefreshTokenKey(): Promise<{ kid: string; secret: string } | undefined> {
    const key = await this.tx.manager
      .getRepository(RefreshTokenKey)
      .createQueryBuilder('key')
      .addSelect('key.secret')
      .orderBy('key.createdAt', 'ASC')
      .addOrderBy('key.kid', 'ASC')
      .getOne();
    return key ? { kid: key.kid, secret: key.secret as string } : undefined;
  }

  async insertRefreshTokenKey(key: { kid: string; secret: string }): Promise<void> {
    await this.tx.manager.getRepository(RefreshTokenKey).insert(key);
  }

  /** Replaces a key's stored material (a retired key's private key by its public key). */
  async replaceMaterial(kid: string, material: string): Promise<void> {
    await this.tx.manager.getRepository(SigningKey).update({ kid }, { material });
  }

  /** Deletes the keys of the algorithm retired before `horizon`; returns their kids. */
  async deleteRetiredBefore(algorithm: string, horizon: Date): Promise<string[]> {
    const result = await this.tx.manager
      .getRepository(SigningKey)
      .createQueryBuilder()
      .delete()
      .where('algorithm = :algorithm AND retired_at < :horizon', { algorithm, horizon })
      .returning(['kid'])
      .execute();
    return (result.raw as { kid: string }[]).map((row) => row.kid);
  }

  /** Retires every other live key of the algorithm; returns their kids. */
  async retireAllExcept(algorithm: string, kid: string, at: Date): Promise<string[]> {
    const result = await this.tx.manager
      .getRepository(SigningKey)
      .createQueryBuilder()
      .update()
      .set({ retiredAt: at })
      .where('algorithm = :algorithm AND kid <> :kid AND retired_at IS NULL', { algorithm, kid })
      .returning(['kid'])
      .execute();
    return (result.raw as { kid: string }[]).map((row) => row.kid);
  }
}
