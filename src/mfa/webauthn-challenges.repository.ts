import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { ChallengePurpose, WebauthnChallenge } from './webauthn-challenge.entity';

export interface NewChallenge {
  tokenHash: string;
  challenge: string;
  userId: string | null;
  purpose: ChallengePurpose;
  expiresAt: Date;
}

@Injectable()
export class WebauthnChallengesRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(challenge: NewChallenge): Promise<void> {
    await this.tx.manager.getRepository(WebauthnChallenge).insert(challenge);
  }

  /**
   * Marks the challenge used and answers it, in one statement: of two requests presenting it at
   * the same moment, one gets it and the other null; so does a used, expired or unknown one, or
   * one issued for another user or purpose. `userId` null: a challenge issued to nobody.
   */
  async consume(tokenHash: string, purpose: ChallengePurpose, userId: string | null): Promise<string | null> {
    // TypeORM returns [rows, count] for UPDATE … RETURNING on PostgreSQL.
    const [rows] = await this.tx.manager.query<[{ challenge: string }[], number]>(
      `UPDATE webauthn_challenges SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3::uuid
          AND used_at IS NULL AND expires_at > now()
        RETURNING challenge`,
      [tokenHash, purpose, userId],
    );
    return rows[0]?.challenge ?? null;
  }

  /** One batch of the retention sweep: challenges used, or expired unused, more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(
      this.tx,
      'webauthn_challenges',
      [{ column: 'used_at' }, { column: 'expires_at', also: 'used_at IS NULL' }],
      ageSeconds,
      limit,
    );
  }
}
