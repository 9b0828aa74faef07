import { Logger } from 'pino';

import { MetricsService } from '../metrics/metrics.service';
import { CounterStore } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';
import { RateLimitStore, STORE_PROBE_INTERVAL_MS } from './rate-limit-store';

/** A shared store that can be switched off, as Redis is when it stops. */
class SwitchableStore extends MemoryCounterStore implements CounterStore {
  up = true;
  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return this.up ? operation() : Promise.reject(new Error('Connection is closed.'));
  }
  override increment(key: string, windowMs: number) {
    return this.guard(() => super.increment(key, windowMs));
  }
  override mark(key: string, ttlMs: number) {
    return this.guard(() => super.mark(key, ttlMs));
  }
  override remaining(key: string) {
    return this.guard(() => super.remaining(key));
  }
  override delete(...keys: string[]) {
    return this.guard(() => super.delete(...keys));
  }
  override ping() {
    return Promise.resolve(this.up);
  }
}

describe('RateLimitStore', () => {
  let shared: SwitchableStore;
  let store: RateLimitStore;
  let metrics: MetricsService;
  let warnings: string[];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    shared = new SwitchableStore();
    metrics = new MetricsService();
    warnings = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(String(args[args.length - 1])) } as unknown as Logger;
    store = new RateLimitStore(shared, logger, metrics);
  });
  afterEach(async () => {
    await store.onApplicationShutdown();
    jest.useRealTimers();
  });

  const failures = async () =>
    (await metrics.registry.getSingleMetric('identity_rate_limit_store_failures_total')?.get())?.values[0]?.value;

  it('keeps counting in process memory while the shared store is down: the limit never fails open', async () => {
    await store.increment('k', 60_000);
    shared.up = false;
    expect((await store.increment('k', 60_000)).count).toBe(1);
    expect((await store.increment('k', 60_000)).count).toBe(2);
    expect(store.fallingBack).toBe(true);
    expect(warnings).toEqual(['rate-limit store unavailable; counting in process memory']);
    expect(await failures()).toBe(1);
  });

  it('returns to the shared store once it answers again, and keeps the lockouts set meanwhile', async () => {
    shared.up = false;
    await store.mark('lock', 60_000);
    shared.up = true;
    await jest.advanceTimersByTimeAsync(STORE_PROBE_INTERVAL_MS);
    expect(store.fallingBack).toBe(false);
    expect(warnings).toContain('rate-limit store reachable again; counting there');
    expect(await store.remaining('lock')).toBeGreaterThan(50_000);
    expect((await store.increment('shared', 60_000)).count).toBe(1);
    expect((await shared.increment('shared', 60_000)).count).toBe(2);
    await store.delete('lock');
    expect(await store.remaining('lock')).toBe(0);
  });
});
