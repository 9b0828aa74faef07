import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';

import { TransactionHost } from '../database/transaction-host';
import { RecoveryCode } from './recovery-code.entity';

@Injectable()
export class RecoveryCodesRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(RecoveryCode);
  }

  /** The user's codes become exactly these (hashes); the caller's transaction makes it one change. */
  async replaceAll(userId: string, codeHashes: string[]): Promise<void> {
    await this.repository.delete({ userId });
    await this.repository.insert(codeHashes.map((codeHash) => ({ userId, codeHash })));
  }

  /** Marks the unused code with this hash used; false when there is none (wrong, or used already). */
  async use(userId: string, codeHash: string): Promise<boolean> {
    const result = await this.repository.update({ userId, codeHash, usedAt: IsNull() }, { usedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  countUnused(userId: string): Promise<number> {
    return this.repository.countBy({ userId, usedAt: IsNull() });
  }

  async deleteAllOfUser(userId: string): Promise<void> {
    await this.repository.delete({ userId });
  }
}
