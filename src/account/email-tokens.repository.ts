import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { EmailToken, EmailTokenPurpose } from './email-token.entity';

@Injectable()
export class EmailTokensRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(EmailToken);
  }

  async insert(token: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.repository.insert(token);
  }

  /** A newer token of a kind invalidates the older ones: they are removed. */
  async deleteUnused(userId: string, purpose: EmailTokenPurpose): Promise<void> {
    await this.repository.delete({ userId, purpose, usedAt: IsNull() });
  }

  /** Locks the row so a token is consumed once even when presented twice at the same moment. */
  findByHashForUpdate(tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
    return this.repository
      .createQueryBuilder('token')
      .where('token.tokenHash = :tokenHash AND token.purpose = :purpose', { tokenHash, purpose })
      .setLock('pessimistic_write')
      .getOne();
  }

  async markUsed(id: string): Promise<void> {
    await this.repository.update({ id }, { usedAt: new Date() });
  }

  async deleteAllOfUser(userId: string): Promise<void> {
    await this.repository.delete({ userId });
  }

  /** One batch of the retention sweep: tokens used, or expired unused, more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(
      this.tx,
      'email_tokens',
      [{ column: 'used_at' }, { column: 'expires_at', also: 'used_at IS NULL' }],
      ageSeconds,
      limit,
    );
  }
}
