import { Injectable } from '@nestjs/common';

import { LoginSettings } from '../config/login.settings';
import { MetricsService } from '../metrics/metrics.service';
import { wholeSeconds } from './ip-rate-limiter';
import { RateLimitedError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit-store';

/** A lockout that a failure (or a refused attempt) has just started. */
export interface Lockout {
  failures: number;
  lockSeconds: number;
  /** The account's user, when the attempt found one. */
  userId: string | null;
}

/** What a checked attempt came to: a failure counts toward the throttle. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: Error; userId: string | null };

// At most this many refused attempts are held at once per process; past it they are answered at
// once, so a flood of open connections cannot pile up timers and sockets without bound.
const MAX_HELD_REFUSALS = 1000;
// Bounds a slot whose process died mid-attempt.
const IN_FLIGHT_TTL_MS = 30_000;

/**
 * The per-account login throttle: free failures first, then lockouts that double (1 s, 2 s, 4 s …
 * up to LOGIN_MAX_DELAY), and LOGIN_BLOCK_DURATION once LOGIN_MAX_FAILURES is reached in the
 * window. Unknown accounts count like known ones, so the throttle does not tell them apart.
 */
@Injectable()
export class LoginThrottle {
  private heldRefusals = 0;

  constructor(
    private readonly settings: LoginSettings,
    private readonly store: RateLimitStore,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Runs one login attempt for `account` under the throttle: refused with 429 while the account is
   * locked out (the refusal counts as a failure: a guess nobody checked), one password check per
   * account at a time across replicas, a failure counted, a success clearing the count.
   * `onLockout` hears of every lockout an attempt starts.
   */
  async attempt<T>(
    account: string,
    check: () => Promise<AttemptOutcome<T>>,
    onLockout: (lockout: Lockout) => Promise<void>,
  ): Promise<T> {
    const key = normalizeAccount(account);
    const lockedMs = await this.store.remaining(`login-lock:${key}`);
    if (lockedMs > 0) {
      const lockout = await this.countRefusal(key);
      if (lockout) await onLockout(lockout);
      return this.refuse(lockout ? lockout.lockSeconds : wholeSeconds(lockedMs));
    }
    const release = await this.enter(key);
    let outcome: AttemptOutcome<T>;
    try {
      outcome = await check();
    } finally {
      await release();
    }
    if (outcome.ok) {
      await this.store.delete(`login-failures:${key}`, `login-lock:${key}`);
      return outcome.value;
    }
    const lockout = await this.countFailure(key, outcome.userId);
    if (lockout) await onLockout(lockout);
    throw outcome.error;
  }

  /**
   * Admits one password check per account at a time, across replicas: a guesser firing many
   * attempts at one account in parallel would otherwise queue them all for bcrypt before the
   * first failure is even counted. The returned function ends the attempt.
   */
  private async enter(key: string): Promise<() => Promise<void>> {
    const slot = `login-in-flight:${key}`;
    const counter = await this.store.increment(slot, IN_FLIGHT_TTL_MS);
    const release = () => this.store.decrement(slot);
    if (counter && counter.count > 1) {
      await release();
      return this.refuse(1);
    }
    return counter ? release : () => Promise.resolve();
  }

  /** A refused attempt during a lockout; exactly one, on any replica, reaches the limit and starts the block. */
  private async countRefusal(key: string): Promise<Lockout | undefined> {
    const counter = await this.store.increment(`login-failures:${key}`, this.settings.failureWindowSeconds * 1000);
    if (counter?.count !== this.settings.maxFailures) return undefined;
    await this.store.mark(`login-lock:${key}`, this.settings.blockSeconds * 1000);
    return { failures: counter.count, lockSeconds: this.settings.blockSeconds, userId: null };
  }

  private async countFailure(key: string, userId: string | null): Promise<Lockout | undefined> {
    const counter = await this.store.increment(`login-failures:${key}`, this.settings.failureWindowSeconds * 1000);
    if (!counter) return undefined;
    const lockMs = lockoutMs(counter.count, this.settings);
    if (lockMs === 0) return undefined;
    await this.store.mark(`login-lock:${key}`, lockMs);
    return { failures: counter.count, lockSeconds: lockMs / 1000, userId };
  }

  /**
   * Refuses with 429 after holding the answer for LOGIN_REFUSAL_DELAY_MS. A timer costs no CPU, and
   * a guessing tool keeps a fixed number of connections open, so each gets one answer per delay
   * instead of as many 429s as the service can produce: the guesser cannot take the CPU that
   * honest logins need.
   */
  private async refuse(retryAfterSeconds: number): Promise<never> {
    this.metrics.rateLimitBlocks.inc({ scope: 'account', action: 'login' });
    const delayMs = this.settings.refusalDelayMs;
    if (delayMs > 0 && this.heldRefusals < MAX_HELD_REFUSALS) {
      this.heldRefusals++;
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      } finally {
        this.heldRefusals--;
      }
    }
    throw new RateLimitedError(retryAfterSeconds);
  }
}

/** How long the `failures`-th failure locks the account: 0 while free, then doubling, then the block. */
export function lockoutMs(
  failures: number,
  settings: Pick<LoginSettings, 'freeFailures' | 'maxFailures' | 'blockSeconds' | 'maxDelaySeconds'>,
): number {
  if (failures <= settings.freeFailures) return 0;
  if (failures >= settings.maxFailures) return settings.blockSeconds * 1000;
  return Math.min(1000 * 2 ** (failures - settings.freeFailures - 1), settings.maxDelaySeconds * 1000);
}

const normalizeAccount = (email: string) => email.trim().toLowerCase();
