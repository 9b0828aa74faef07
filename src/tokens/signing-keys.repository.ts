import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { DataCipher, UnreadableSecretError } from '../secrets/data-cipher';
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

const signingKeyContext = (kid: string) => `signing_keys ${kid}`;
const refreshKeyContext = (kid: string) => `refresh_token_keys ${kid}`;

/**
 * The stored keys. Their secret columns are encrypted with the data key (DataCipher): this is the
 * only place that reads or writes them, so nothing else ever sees a sealed value, and nothing
 * reaches the database unsealed.
 */
@Injectable()
export class SigningKeysRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly cipher: DataCipher,
  ) {}

  /** Serializes generation across replicas until the surrounding transaction ends. */
  async lockForGeneration(): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_GENERATION_LOCK]);
  }

  async findAllWithMaterial(algorithm: string): Promise<StoredSigningKey[]> {
    const keys = (await this.tx.manager
      .getRepository(SigningKey)
      .createQueryBuilder('key')
      .addSelect('key.material')
      .where('key.algorithm = :algorithm', { algorithm })
      .orderBy('key.createdAt', 'DESC')
      .getMany()) as StoredSigningKey[];
    return keys.map((key) => ({ ...key, material: this.cipher.open(key.material, signingKeyContext(key.kid)) }));
  }

  async insert(key: { kid: string; algorithm: string; material: string }): Promise<void> {
    await this.tx.manager
      .getRepository(SigningKey)
      .insert({ ...key, material: this.cipher.seal(key.material, signingKeyContext(key.kid)) });
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
    return key ? { kid: key.kid, secret: this.cipher.open(key.secret as string, refreshKeyContext(key.kid)) } : undefined;
  }

  async insertRefreshTokenKey(key: { kid: string; secret: string }): Promise<void> {
    await this.tx.manager
      .getRepository(RefreshTokenKey)
      .insert({ kid: key.kid, secret: this.cipher.seal(key.secret, refreshKeyContext(key.kid)) });
  }

  /** Replaces a key's stored material (a retired key's private key by its public key). */
  async replaceMaterial(kid: string, material: string): Promise<void> {
    await this.tx.manager
      .getRepository(SigningKey)
      .update({ kid }, { material: this.cipher.seal(material, signingKeyContext(kid)) });
  }

  /**
   * Encrypts with the current data key every stored secret that is not: rows sealed with a
   * previous key (DATA_ENCRYPTION_PREVIOUS_KEYS), and rows an earlier version stored in plain
   * form. Plain rows are sealed only in a database where nothing is sealed yet (one that version
   * wrote); a plain row beside sealed ones was not written by this service, and is refused
   * (UnreadableSecretError) rather than made trusted. Call under the key-generation lock.
   * Returns the rows it sealed.
   */
  async sealStoredKeys(): Promise<string[]> {
    const manager = this.tx.manager;
    const signing = await manager.query<{ kid: string; value: string }[]>('SELECT kid, material AS value FROM signing_keys');
    const refresh = await manager.query<{ kid: string; value: string }[]>('SELECT kid, secret AS value FROM refresh_token_keys');
    const rows = [
      ...signing.map((row) => ({ ...row, context: signingKeyContext(row.kid), update: 'signing_keys SET material' })),
      ...refresh.map((row) => ({ ...row, context: refreshKeyContext(row.kid), update: 'refresh_token_keys SET secret' })),
    ];
    const anySealed = rows.some((row) => DataCipher.isSealed(row.value));
    const sealed: string[] = [];
    for (const row of rows) {
      if (this.cipher.isCurrent(row.value)) continue;
      if (!DataCipher.isSealed(row.value) && anySealed) {
        throw new UnreadableSecretError(
          `${row.context} is stored unencrypted beside encrypted keys: this service did not write it. Delete that row`,
        );
      }
      const plaintext = DataCipher.isSealed(row.value) ? this.cipher.open(row.value, row.context) : row.value;
      await manager.query(`UPDATE ${row.update} = $1 WHERE kid = $2`, [this.cipher.seal(plaintext, row.context), row.kid]);
      sealed.push(row.context);
    }
    return sealed;
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
