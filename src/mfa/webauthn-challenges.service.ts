import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { sha256Hex } from '../common/crypto';
import { ChallengePurpose } from './webauthn-challenge.entity';
import { WebauthnChallengesRepository } from './webauthn-challenges.repository';

/** How long a ceremony's challenge may be answered. */
export const CHALLENGE_TTL_SECONDS = 300;

/**
 * The single-use, short-lived challenges of WebAuthn ceremonies. Each is found by the SHA-256 of
 * a key the client hands back: a random challenge token for a sign-in (the contract's
 * `challenge_token`), the challenge itself for a registration (the browser signs it into
 * clientDataJSON; the registration answer carries no token).
 */
@Injectable()
export class WebauthnChallenges {
  constructor(private readonly challenges: WebauthnChallengesRepository) {}

  /** Stores a sign-in's challenge and answers the token that finds it. */
  async issueToken(purpose: ChallengePurpose, userId: string | null, challenge: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.insert(token, purpose, userId, challenge);
    return token;
  }

  /** Stores a registration's challenge, found again by itself. */
  async remember(userId: string, challenge: string): Promise<void> {
    await this.insert(challenge, 'registration', userId, challenge);
  }

  /** The challenge stored under `key`, used up now; null when unknown, used, expired or not the user's. */
  consume(key: string, purpose: ChallengePurpose, userId: string | null): Promise<string | null> {
    return this.challenges.consume(sha256Hex(key), purpose, userId);
  }

  /** One batch of the retention sweep. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.challenges.deleteFinishedBefore(ageSeconds, limit);
  }

  private insert(key: string, purpose: ChallengePurpose, userId: string | null, challenge: string): Promise<void> {
    return this.challenges.insert({
      tokenHash: sha256Hex(key),
      challenge,
      userId,
      purpose,
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
    });
  }
}
