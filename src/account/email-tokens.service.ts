import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { sha256Hex } from '../common/crypto';
import { InvalidEmailTokenError } from './account.errors';
import { EmailToken, EmailTokenPurpose } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';

/** Random one-time tokens for emails: 256 bits, stored as SHA-256, single use, expiring. */
@Injectable()
export class EmailTokensService {
  constructor(private readonly tokens: EmailTokensRepository) {}

  /** Issues a token and invalidates the user's older unused ones of the same purpose. */
  async issue(userId: string, purpose: EmailTokenPurpose, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.deleteUnused(userId, purpose);
    await this.tokens.insert({
      userId,
      purpose,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    return token;
  }

  /** Marks the token used and returns it; unknown, used and expired tokens are refused alike. */
  async consume(token: string, purpose: EmailTokenPurpose): Promise<EmailToken> {
    const stored = await this.tokens.findByHashForUpdate(sha256Hex(token), purpose);
    if (!stored || stored.usedAt !== null || stored.expiresAt.getTime() <= Date.now()) throw new InvalidEmailTokenError();
    await this.tokens.markUsed(stored.id);
    return stored;
  }

  /** Every token of the user, used or not (an account deletion). */
  deleteAllOfUser(userId: string): Promise<void> {
    return this.tokens.deleteAllOfUser(userId);
  }

  /** One batch of the retention sweep (EMAIL_TOKEN_RETENTION): tokens used or expired more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.tokens.deleteFinishedBefore(ageSeconds, limit);
  }
}
