import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.module';
import { AppConfig, RateLimitedAction } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { COUNTER_STORE, CounterStore } from './counter-store';
import { RateLimitedError } from './rate-limit.errors';

export interface IpAllowance {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** A lockout that a failure (or a refused attempt) has just started. */
export interface Lockout {
  failures: number;
  lockSeconds: number;
}

/** Why a login attempt is refused before its password is looked at. */
export interface AccountRefusal {
  retryAfterSeconds: number;
  /** Set when this refused attempt completed LOGIN_MAX_FAILURES and started the block. */
  blockStarted?: Lockout;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
// At most this many refused attempts are held at once per process; past it they are answered at
// once, so a flood of open connections cannot pile up timers and sockets without bound.
const MAX_HELD_REFUSALS = 1000;

/**
 * Brute-force protection: per-IP limits on the open endpoints and a per-account throttle on
 * failed logins. When the store fails (Redis down) it fails open: requests are served, the
 * failure is logged and counted, and readiness reports the store as unavailable.
 */
@Injectable()
export class RateLimitService implements OnApplicationShutdown {
  private storeFailures = 0;
  private heldRefusals = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  /** Counts a request of `action` from `ip`; throws 429 past the limit. */
  async consumeIp(action: RateLimitedAction, ip: string): Promise<IpAllowance> {
    const { limit, windowSeconds } = this.config.ipLimits[action];
    const counter = await this.failOpen(() => this.store.increment(`ip:${action}:${ip}`, windowSeconds * 1000), undefined);
    if (!counter) return { limit, remaining: limit, resetSeconds: windowSeconds };
    const allowance = { limit, remaining: Math.max(0, limit - counter.count), resetSeconds: seconds(counter.ttlMs) };
    if (counter.count > limit) {
      this.metrics.rateLimitBlocks.inc({ scope: 'ip', action });
      throw new RateLimitedError(allowance.resetSeconds, rateLimitHeaders(allowance));
    }
    return allowance;
  }

  /**
   * Refuses an attempt while the account is locked out, before its password is even looked at.
   * The refused attempt counts as a failure: it is a guess nobody checked, and a guesser who keeps
   * hammering a locked account reaches LOGIN_MAX_FAILURES, and the long block, without being
   * granted another password check.
   */
  async checkAccountOpen(email: string): Promise<AccountRefusal | undefined> {
    const remainingMs = await this.failOpen(() => this.store.remaining(accountLockKey(email)), 0);
    if (remainingMs <= 0) return undefined;
    const throttle = this.config.loginThrottle;
    const counter = await this.countFailure(email);
    // Exactly one attempt, on any replica, sees the count reach the limit and starts the block.
    if (counter?.count === throttle.maxFailures) {
      await this.failOpen(() => this.store.mark(accountLockKey(email), throttle.blockSeconds * 1000), undefined);
      return {
        retryAfterSeconds: throttle.blockSeconds,
        blockStarted: { failures: counter.count, lockSeconds: throttle.blockSeconds },
      };
    }
    return { retryAfterSeconds: seconds(remainingMs) };
  }

  /**
   * Refuses a login attempt with 429 after holding it for LOGIN_REFUSAL_DELAY_MS. A timer costs
   * no CPU, and a guessing tool keeps a fixed number of connections open, so each of them gets one
   * answer per delay instead of as many 429s as the service can produce: the guesser cannot take
   * the CPU that honest logins need.
   */
  async refuseLogin(retryAfterSeconds: number): Promise<never> {
    this.metrics.rateLimitBlocks.inc({ scope: 'account', action: 'login' });
    const delayMs = this.config.loginThrottle.refusalDelayMs;
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

  /**
   * Admits one password check per account at a time, across replicas. A guesser firing many
   * attempts at one account in parallel would otherwise queue them all for bcrypt before the
   * first failure is even counted, and honest users elsewhere would wait behind them. The
   * returned function ends the attempt.
   */
  async beginAccountAttempt(email: string): Promise<() => Promise<void>> {
    const key = accountInFlightKey(email);
    const counter = await this.failOpen(() => this.store.increment(key, IN_FLIGHT_TTL_MS), undefined);
    const release = () => this.failOpen(() => this.store.decrement(key), undefined);
    if (counter && counter.count > 1) {
      await release();
      return this.refuseLogin(1);
    }
    return counter ? release : () => Promise.resolve();
  }

  /**
   * Records a failed login: free failures first, then lockouts that double (1 s, 2 s, 4 s … up to
   * LOGIN_MAX_DELAY), and LOGIN_BLOCK_DURATION once LOGIN_MAX_FAILURES is reached in the window.
   */
  async recordLoginFailure(email: string): Promise<Lockout | undefined> {
    const throttle = this.config.loginThrottle;
    const counter = await this.countFailure(email);
    if (!counter || counter.count <= throttle.freeFailures) return undefined;
    const lockMs =
      counter.count >= throttle.maxFailures
        ? throttle.blockSeconds * 1000
        : Math.min(1000 * 2 ** (counter.count - throttle.freeFailures - 1), throttle.maxDelaySeconds * 1000);
    await this.failOpen(() => this.store.mark(accountLockKey(email), lockMs), undefined);
    return { failures: counter.count, lockSeconds: lockMs / 1000 };
  }

  async recordLoginSuccess(email: string): Promise<void> {
    await this.failOpen(() => this.store.delete(accountFailuresKey(email), accountLockKey(email)), undefined);
  }

  /** One more failure of the account within LOGIN_FAILURE_WINDOW; undefined when the store is down. */
  private countFailure(email: string) {
    const windowMs = this.config.loginThrottle.failureWindowSeconds * 1000;
    return this.failOpen(() => this.store.increment(accountFailuresKey(email), windowMs), undefined);
  }

  storeReachable(): Promise<boolean> {
    return this.store.ping();
  }

  /** How many store operations failed open since start. */
  get failedOpen(): number {
    return this.storeFailures;
  }

  private async failOpen<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.storeFailures++;
      this.metrics.rateLimitStoreFailures.inc();
      this.logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'rate-limit store unavailable; failing open',
      );
      return fallback;
    }
  }
}

export function rateLimitHeaders(allowance: IpAllowance): Record<string, string> {
  return {
    'RateLimit-Limit': String(allowance.limit),
    'RateLimit-Remaining': String(allowance.remaining),
    'RateLimit-Reset': String(allowance.resetSeconds),
  };
}

const normalize = (email: string) => email.trim().toLowerCase();
const accountFailuresKey = (email: string) => `login-failures:${normalize(email)}`;
const accountLockKey = (email: string) => `login-lock:${normalize(email)}`;
const accountInFlightKey = (email: string) => `login-in-flight:${normalize(email)}`;
// Bounds a slot whose process died mid-attempt.
const IN_FLIGHT_TTL_MS = 30_000;
