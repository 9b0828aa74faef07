import { Injectable } from '@nestjs/common';

import { LoginSettings } from '../config/login.settings';
import { MetricsService } from '../metrics/metrics.service';
import { addressGroup } from './client-address';
import { wholeSeconds } from './ip-rate-limiter';
import { delayMs, ThrottleKeys, throttleKeys } from './login-throttle-keys';
import { RateLimitedError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit-store';

/**
 * What a failure has just started: a `block` of its client address for the account
 * (LOGIN_MAX_FAILURES reached from there), or a longer `delay` of the account everywhere.
 */
export interface Lockout {
  kind: 'block' | 'delay';
  failures: number;
  lockSeconds: number;
  /** The account's user, when the attempt found one. */
  userId: string | null;
}

/** What a checked attempt came to: a failure counts toward the throttle. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: Error; userId: string | null };

export interface ThrottledAttempt {
  /** The account, as the email normaliser gives it: every spelling of one address is one key. */
  account: string;
  /** The client address (TRUST_PROXY applies); IPv6 counts per /64. */
  address: string | null;
  /** For the metrics: which route checks a password. */
  action: 'login' | 'change_password' | 'delete_account' | 'mfa_settings';
}

// At most this many refused attempts are held at once per process; past it they are answered at
// once, so a flood of open connections cannot pile up timers and sockets without bound.
const MAX_HELD_REFUSALS = 1000;
// Bounds a slot whose process died mid-attempt.
const IN_FLIGHT_TTL_MS = 30_000;
// How long a client's turn stays valid once its wait is over.
const TURN_VALIDITY_MS = 300_000;
// The turn of a client refused because another check of the account was running.
const BUSY_TURN_MS = 1000;

/**
 * The password throttle, the Auth0 model: a BLOCK per account and client address (after
 * LOGIN_MAX_FAILURES failures from one address within LOGIN_FAILURE_WINDOW, that address is
 * refused for that account for LOGIN_BLOCK_DURATION, even with the right password), and a DELAY
 * per account across all addresses (failures beyond LOGIN_FREE_FAILURES bring doubling delays up
 * to LOGIN_MAX_DELAY), never a block of the account: an attacker can lock out only themselves.
 *
 * While the account is delayed, a client gets a turn: its first attempt is refused with 429 and
 * Retry-After (the delay left), and the same client coming back after that wait is checked,
 * whatever failures arrived from elsewhere meanwhile. So the owner, from an address with no
 * failures, signs in after at most LOGIN_MAX_DELAY (docs/decisions.md).
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
   * Runs one password check under the throttle: refused with 429 while the client is blocked for
   * the account, or is waiting for its turn; one check per account and client at a time; a
   * failure counted for both; a success clearing the client's own counts. `onLockout` hears of
   * every block or longer delay a failure starts.
   */
  async attempt<T>(
    attempt: ThrottledAttempt,
    check: () => Promise<AttemptOutcome<T>>,
    onLockout: (lockout: Lockout) => Promise<void>,
  ): Promise<T> {
    const keys = throttleKeys(attempt.account, addressGroup(attempt.address));
    const blockedMs = await this.blockRemaining(keys);
    if (blockedMs > 0) return this.refuse(wholeSeconds(blockedMs), 'account_address', attempt.action);
    const release = await this.enter(keys, attempt.action);
    let outcome: AttemptOutcome<T> | number;
    try {
      outcome = await this.whenAdmitted(keys, check);
    } finally {
      await release();
    }
    if (typeof outcome === 'number') return this.refuse(wholeSeconds(outcome), 'account', attempt.action);
    if (outcome.ok) {
      await this.store.delete(keys.pairFailures, keys.block, keys.wait, keys.turn);
      return outcome.value;
    }
    for (const lockout of await this.countFailure(keys, outcome.userId)) await onLockout(lockout);
    throw outcome.error;
  }

  /**
   * Forgets the account's failures (a password reset or change): its delay at once, and the
   * blocks and counts of every client address, which are keyed by address, by a mark that makes
   * whatever was counted before it void.
   */
  async clear(account: string): Promise<void> {
    const keys = throttleKeys(account, '');
    await this.store.delete(keys.accountFailures, keys.delay);
    await this.store.mark(keys.cleared, this.clearedMarkMs());
  }

  /** The block of this client for this account, unless a reset or change came after it began. */
  private async blockRemaining(keys: ThrottleKeys): Promise<number> {
    const remaining = await this.store.remaining(keys.block);
    if (remaining === 0) return 0;
    const startedAt = Date.now() - (this.settings.blockSeconds * 1000 - remaining);
    if (startedAt > (await this.clearedAt(keys))) return remaining;
    await this.store.delete(keys.block, keys.pairFailures);
    return 0;
  }

  /**
   * Runs `check` once this client may go, else answers how long it must wait (ms). While the
   * account is delayed a client waits its turn: its first attempt starts the wait, attempts during
   * it are told what is left, and the first attempt after it is checked once, however the delay
   * changed meanwhile. Attempts without a turn are checked one at a time per account, so a crowd
   * of addresses arriving together (as a delay ends) gets one check, not one each; the others get
   * a turn of 1 s, which is honoured then whatever the crowd does.
   */
  private async whenAdmitted<T>(
    keys: ThrottleKeys,
    check: () => Promise<AttemptOutcome<T>>,
  ): Promise<AttemptOutcome<T> | number> {
    const [waitMs, turnMs, delayMs] = await Promise.all(
      [keys.wait, keys.turn, keys.delay].map((key) => this.store.remaining(key)),
    );
    if (turnMs > 0 && waitMs === 0) {
      await this.store.delete(keys.turn);
      return check();
    }
    if (turnMs > 0) return waitMs;
    if (delayMs > 0) return this.giveTurn(keys, delayMs);
    const counter = await this.store.increment(keys.accountSlot, IN_FLIGHT_TTL_MS);
    if (counter && counter.count > 1) {
      await this.store.decrement(keys.accountSlot);
      return this.giveTurn(keys, BUSY_TURN_MS);
    }
    try {
      return await check();
    } finally {
      if (counter) await this.store.decrement(keys.accountSlot);
    }
  }

  /** This client may try again, and is then checked, after `waitMs`. */
  private async giveTurn(keys: ThrottleKeys, waitMs: number): Promise<number> {
    await this.store.mark(keys.wait, waitMs);
    await this.store.mark(keys.turn, waitMs + TURN_VALIDITY_MS);
    return waitMs;
  }

  /**
   * One password check per account and client at a time, across replicas: a client firing many
   * attempts in parallel would otherwise have them all checked before the first failure counts.
   * Other clients are not held up by it. The returned function ends the attempt.
   */
  private async enter(keys: ThrottleKeys, action: ThrottledAttempt['action']): Promise<() => Promise<void>> {
    const counter = await this.store.increment(keys.slot, IN_FLIGHT_TTL_MS);
    const release = () => this.store.decrement(keys.slot);
    if (counter && counter.count > 1) {
      await release();
      return this.refuse(1, 'account_address', action);
    }
    return counter ? release : () => Promise.resolve();
  }

  private async countFailure(keys: ThrottleKeys, userId: string | null): Promise<Lockout[]> {
    const lockouts: Lockout[] = [];
    const windowMs = this.settings.failureWindowSeconds * 1000;
    let pair = await this.store.increment(keys.pairFailures, windowMs);
    if (pair && Date.now() - (windowMs - pair.ttlMs) <= (await this.clearedAt(keys))) {
      // Counted before a reset or change: starts again from this failure.
      await this.store.delete(keys.pairFailures);
      pair = await this.store.increment(keys.pairFailures, windowMs);
    }
    if (pair && pair.count >= this.settings.maxFailures) {
      await this.store.mark(keys.block, this.settings.blockSeconds * 1000);
      lockouts.push({ kind: 'block', failures: pair.count, lockSeconds: this.settings.blockSeconds, userId });
    }
    const account = await this.store.increment(keys.accountFailures, windowMs);
    if (!account) return lockouts;
    const delay = delayMs(account.count, this.settings);
    if (delay === 0) return lockouts;
    await this.store.mark(keys.delay, delay);
    if (delay > delayMs(account.count - 1, this.settings)) {
      lockouts.push({ kind: 'delay', failures: account.count, lockSeconds: delay / 1000, userId });
    }
    return lockouts;
  }

  /** When the account's counts were last cleared (ms since the epoch), or 0. */
  private async clearedAt(keys: ThrottleKeys): Promise<number> {
    const remaining = await this.store.remaining(keys.cleared);
    return remaining === 0 ? 0 : Date.now() - (this.clearedMarkMs() - remaining);
  }

  /** The mark outlives everything it voids: every count and block of the account. */
  private clearedMarkMs(): number {
    return (Math.max(this.settings.failureWindowSeconds, this.settings.blockSeconds) + 1) * 1000;
  }

  /**
   * Refuses with 429 after holding the answer for LOGIN_REFUSAL_DELAY_MS. A timer costs no CPU, and
   * a guessing tool keeps a fixed number of connections open, so each gets one answer per delay
   * instead of as many 429s as the service can produce: the guesser cannot take the CPU that
   * honest logins need.
   */
  private async refuse(retryAfterSeconds: number, scope: 'account' | 'account_address', action: string): Promise<never> {
    this.metrics.rateLimitBlocks.inc({ scope, action });
    const holdMs = this.settings.refusalDelayMs;
    if (holdMs > 0 && this.heldRefusals < MAX_HELD_REFUSALS) {
      this.heldRefusals++;
      try {
        await new Promise((resolve) => setTimeout(resolve, holdMs));
      } finally {
        this.heldRefusals--;
      }
    }
    throw new RateLimitedError(retryAfterSeconds);
  }
}
