import { Counter, CounterStore } from './counter-store';

/** Process memory: the embedded default. Limits are per process; use Redis for replicas. */
export class MemoryCounterStore implements CounterStore {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  increment(key: string, windowMs: number): Promise<Counter> {
    const now = Date.now();
    let entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      entry = { count: 0, expiresAt: now + windowMs };
      this.entries.set(key, entry);
    }
    entry.count++;
    return Promise.resolve({ count: entry.count, ttlMs: entry.expiresAt - now });
  }

  decrement(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry && entry.count > 0) entry.count--;
    return Promise.resolve();
  }

  mark(key: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { count: 1, expiresAt: Date.now() + ttlMs });
    return Promise.resolve();
  }

  remaining(key: string): Promise<number> {
    const entry = this.entries.get(key);
    return Promise.resolve(entry ? Math.max(0, entry.expiresAt - Date.now()) : 0);
  }

  delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
