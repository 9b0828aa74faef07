import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { MetricsService } from '../metrics/metrics.service';
import { Counter, COUNTER_STORE, CounterStore } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';

/** While the shared store is down, how often it is asked whether it is back. */
export const STORE_PROBE_INTERVAL_MS = 1000;

/**
 * The counter store as the limits use it. Limits never fail open: when the shared store (Redis)
 * fails, this replica counts in its own memory instead, logs a warning once, counts every failed
 * operation (`identity_rate_limit_store_failures_total`) and shows the fallback
 * (`identity_rate_limit_store_fallback` 1). Every second it asks the shared store whether it is
 * back, and returns to it as soon as it is. Lockouts set in memory during the outage still hold
 * after the return, until they end: an attacker gains nothing from the switch.
 */
@Injectable()
export class RateLimitStore implements OnApplicationShutdown {
  private readonly memory = new MemoryCounterStore();
  private probe: NodeJS.Timeout | undefined;

  constructor(
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {
    metrics.gauge(
      'identity_rate_limit_store_fallback',
      '1 while the shared rate-limit store (Redis) is unreachable and this replica counts in its own memory',
      [],
      (set) => set({}, this.fallingBack ? 1 : 0),
    );
  }

  get fallingBack(): boolean {
    return this.probe !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.probe);
    this.probe = undefined;
    await this.memory.close();
    await this.store.close();
  }

  increment(key: string, windowMs: number): Promise<Counter> {
    return this.run((store) => store.increment(key, windowMs));
  }

  decrement(key: string): Promise<void> {
    return this.run((store) => store.decrement(key));
  }

  mark(key: string, ttlMs: number): Promise<void> {
    return this.run((store) => store.mark(key, ttlMs));
  }

  /** Milliseconds left on a mark, 0 when there is none; a mark set in memory during an outage counts too. */
  async remaining(key: string): Promise<number> {
    const [shared, local] = await Promise.all([this.run((store) => store.remaining(key)), this.memory.remaining(key)]);
    return Math.max(shared, local);
  }

  async delete(...keys: string[]): Promise<void> {
    await this.memory.delete(...keys);
    await this.run((store) => store.delete(...keys));
  }

  reachable(): Promise<boolean> {
    return this.store.ping();
  }

  private async run<T>(operation: (store: CounterStore) => Promise<T>): Promise<T> {
    if (this.fallingBack) return operation(this.memory);
    try {
      return await operation(this.store);
    } catch (error) {
      this.metrics.rateLimitStoreFailures.inc();
      this.fallBack(error);
      return operation(this.memory);
    }
  }

  private fallBack(error: unknown): void {
    if (this.fallingBack) return;
    this.logger.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'rate-limit store unavailable; counting in process memory',
    );
    this.probe = setInterval(() => void this.tryToReturn(), STORE_PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private async tryToReturn(): Promise<void> {
    if (!this.fallingBack || !(await this.store.ping())) return;
    clearInterval(this.probe);
    this.probe = undefined;
    this.logger.warn('rate-limit store reachable again; counting there');
  }
}
