import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { MfaChallenge } from './mfa-challenge.entity';

/** An mfa_token dies with this many wrong codes. */
export const MAX_MFA_FAILURES = 5;

/** What the login step reads of a live challenge. */
export interface LiveChallenge {
  id: string;
  userId: string;
  passkeyChallengeToken: string | null;
}

interface LiveChallengeRow {
  id: string;
  user_id: string;
  passkey_challenge_token: string | null;
}

// Both steps of a sign-in read it: prepared statements (TransactionHost.prepared), like login's own.
const LIVE = `SELECT id, user_id, passkey_challenge_token FROM mfa_challenges
  WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND failures < ${MAX_MFA_FAILURES}`;

const toLiveChallenge = (row: LiveChallengeRow | undefined): LiveChallenge | null =>
  row ? { id: row.id, userId: row.user_id, passkeyChallengeToken: row.passkey_challenge_token } : null;

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
  async findLive(tokenHash: string): Promise<LiveChallenge | null> {
    const [row] = await this.tx.prepared<LiveChallengeRow>('mfa_challenge_live', LIVE, [tokenHash]);
    return toLiveChallenge(row);
  }

  /** The same, locked until the transaction ends: two answers to one challenge are checked one after the other. */
  async findLiveForUpdate(tokenHash: string): Promise<LiveChallenge | null> {
    const [row] = await this.tx.prepared<LiveChallengeRow>('mfa_challenge_live_for_update', `${LIVE} FOR UPDATE`, [tokenHash]);
    return toLiveChallenge(row);
  }

  async markUsed(id: string): Promise<void> {
    await this.tx.prepared('mfa_challenge_mark_used', 'UPDATE mfa_challenges SET used_at = now() WHERE id = $1', [id]);
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
