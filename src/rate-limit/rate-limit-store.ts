import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { MetricsService } from '../metrics/metrics.service';
import { Counter, COUNTER_STORE, CounterStore } from './counter-store';

/**
 * The counter store as the limits use it. When the store fails (Redis down) an operation fails
 * open: the request is served, the failure is logged and counted, and readiness reports the
 * store as unavailable.
 */
@Injectable()
export class RateLimitStore implements OnApplicationShutdown {
  constructor(
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  /** Undefined when the store is down. */
  increment(key: string, windowMs: number): Promise<Counter | undefined> {
    return this.failOpen(() => this.store.increment(key, windowMs), undefined);
  }

  decrement(key: string): Promise<void> {
    return this.failOpen(() => this.store.decrement(key), undefined);
  }

  mark(key: string, ttlMs: number): Promise<void> {
    return this.failOpen(() => this.store.mark(key, ttlMs), undefined);
  }

  /** 0 when there is no mark, or the store is down. */
  remaining(key: string): Promise<number> {
    return this.failOpen(() => this.store.remaining(key), 0);
  }

  delete(...keys: string[]): Promise<void> {
    return this.failOpen(() => this.store.delete(...keys), undefined);
  }

  reachable(): Promise<boolean> {
    return this.store.ping();
  }

  private async failOpen<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.metrics.rateLimitStoreFailures.inc();
      this.logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'rate-limit store unavailable; failing open',
      );
      return fallback;
    }
  }
}
