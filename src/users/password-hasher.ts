import { availableParallelism } from 'node:os';

import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';

import { PasswordSettings } from '../config/passwords.settings';

export const PASSWORD_MAX_BYTES = 72;

/**
 * Runs at most `limit` tasks at once; the rest wait in order. bcrypt work beyond one per core
 * only queues in libuv's pool and steals CPU from the event loop, which serves everything else.
 */
class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** bcrypt, always through its async API so hashing runs on libuv's thread pool, never the event loop. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';
  private readonly slots = new ConcurrencyLimit(availableParallelism());

  constructor(private readonly settings: PasswordSettings) {}

  async onModuleInit(): Promise<void> {
    // Compared against when there is no account, so a miss costs the same as a wrong password.
    this.dummyHash = await bcrypt.hash('not-a-password-of-anyone', this.settings.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => bcrypt.hash(password, this.settings.bcryptCost));
  }

  /** bcrypt would ignore what lies past 72 bytes; such a password never matches. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await this.slots.run(() => bcrypt.compare(password, hash ?? this.dummyHash));
    return matches && hash !== undefined && Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES;
  }

  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.settings.bcryptCost;
  }
}
