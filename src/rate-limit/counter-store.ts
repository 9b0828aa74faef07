export interface Counter {
  count: number;
  /** Milliseconds until the counter (or mark) expires. */
  ttlMs: number;
}

/**
 * Counters with expiry, shared by every replica when backed by Redis. Every operation is
 * atomic on its key.
 */
export interface CounterStore {
  /** Adds one; the first hit starts a window of `windowMs`. */
  increment(key: string, windowMs: number): Promise<Counter>;
  /** Takes one away (never below zero). */
  decrement(key: string): Promise<void>;
  /** Sets a mark that lasts `ttlMs` (a lockout). */
  mark(key: string, ttlMs: number): Promise<void>;
  /** Milliseconds left on a mark, 0 when there is none. */
  remaining(key: string): Promise<number>;
  delete(...keys: string[]): Promise<void>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const COUNTER_STORE = Symbol('COUNTER_STORE');
