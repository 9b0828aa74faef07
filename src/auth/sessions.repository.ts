import { Injectable } from '@nestjs/common';
import { IsNull, Not } from 'typeorm';
import { TransactionHost } from '../database/transaction-host';
import { Session } from './session.entity';

export interface NewSession {
  id: string;
  userId: string;
  organizationId: string | null;
  refreshTokenHash: string;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly tx: TransactionHost) {}

  findById(id: string): Promise<Session | null> {
    return this.tx.manager.getRepository(Session).findOneBy({ id });
  }

  async insert(session: NewSession): Promise<void> {
    await this.tx.manager.getRepository(Session).insert({ ...session, lastUsedAt: new Date() });
  }

  /** Revokes every live session of the user, but `exceptId` when given. */
  async revokeAllOfUser(userId: string, reason: string, exceptId?: string): Promise<void> {
    await this.tx.manager
      .getRepository(Session)
      .update(
        { userId, revokedAt: IsNull(), ...(exceptId ? { id: Not(exceptId) } : {}) },
        { revokedAt: new Date(), revokedReason: reason },
      );
  }
}
