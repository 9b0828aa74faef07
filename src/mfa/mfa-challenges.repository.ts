import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { MfaChallenge } from './mfa-challenge.entity';

/** An mfa_token dies with this many wrong codes. */
export const MAX_MFA_FAILURES = 5;

const LIVE =
  'challenge.tokenHash = :tokenHash AND challenge.usedAt IS NULL AND challenge.expiresAt > now() AND challenge.failures < :max';

@Injectable()
export class MfaChallengesRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(MfaChallenge);
  }

  async insert(challenge: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.repository.insert(challenge);
  }

  /** The live challenge (unused, unexpired, fewer than MAX_MFA_FAILURES wrong codes) of this token hash. */
  findLive(tokenHash: string): Promise<MfaChallenge | null> {
    return this.repository.createQueryBuilder('challenge').where(LIVE, { tokenHash, max: MAX_MFA_FAILURES }).getOne();
  }

  /** The same, locked until the transaction ends: two answers to one challenge are checked one after the other. */
  findLiveForUpdate(tokenHash: string): Promise<MfaChallenge | null> {
    return this.repository
      .createQueryBuilder('challenge')
      .where(LIVE, { tokenHash, max: MAX_MFA_FAILURES })
      .setLock('pessimistic_write')
      .getOne();
  }

  async markUsed(id: string): Promise<void> {
    await this.repository.update({ id }, { usedAt: () => 'now()' });
  }

  async addFailure(id: string): Promise<void> {
    await this.repository.increment({ id }, 'failures', 1);
  }

  async setPasskeyChallenge(id: string, passkeyChallengeToken: string): Promise<void> {
    await this.repository.update({ id }, { passkeyChallengeToken });
  }

  /** One batch of the retention sweep: challenges used, or expired unused, more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(
      this.tx,
      'mfa_challenges',
      [{ column: 'used_at' }, { column: 'expires_at', also: 'used_at IS NULL' }],
      ageSeconds,
      limit,
    );
  }
}
