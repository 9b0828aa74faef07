import { availableParallelism } from 'node:os';

import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';

import { requestContext } from '../common/logging/request-context';
import { PasswordSettings } from '../config/passwords.settings';
import { MetricsService } from '../metrics/metrics.service';
import { HashAbandonedError, HashQueueFullError } from './users.errors';

export const PASSWORD_MAX_BYTES = 72;

interface Waiter {
  start: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Runs at most `concurrency` hashes at once; at most `maxWaiting` more wait, in order. bcrypt work
 * beyond one per core only queues in libuv's pool and steals CPU from the event loop; an unbounded
 * queue let a flood of logins stall everyone's for as long as the flood lasted. A full queue
 * refuses at once (503 with Retry-After), and a hash whose request was abandoned (its signal
 * aborted: REQUEST_TIMEOUT_MS answered 503, or the client left) leaves the queue without running.
 */
export class HashQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Moving average of one hash's duration, for Retry-After. */
  private averageMs = 250;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly skipped: (reason: 'queue_full' | 'abandoned') => void = () => undefined,
  ) {}

  get length(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw this.abandon();
    // A waiter is handed the slot of the task that ends, so `running` never exceeds the limit.
    if (this.running >= this.concurrency) await this.wait(signal);
    else this.running++;
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    }
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      this.skipped('queue_full');
      const queuedMs = ((this.waiting.length + this.running) * this.averageMs) / this.concurrency;
      return Promise.reject(new HashQueueFullError(Math.max(1, Math.ceil(queuedMs / 1000))));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        start: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(this.abandon());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private abandon(): HashAbandonedError {
    this.skipped('abandoned');
    return new HashAbandonedError();
  }
}

/** bcrypt, always through its async API so hashing runs on libuv's thread pool, never the event loop. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';
  private readonly queue: HashQueue;

  constructor(
    private readonly settings: PasswordSettings,
    metrics: MetricsService,
  ) {
    this.queue = new HashQueue(availableParallelism(), settings.hashQueueLimit, (reason) =>
      metrics.passwordHashesSkipped.inc({ reason }),
    );
    metrics.gauge('identity_password_hash_queue', 'Password hashes waiting for a core', [], (set) => set({}, this.queue.length));
  }

  async onModuleInit(): Promise<void> {
    // Compared against when there is no account, so a miss costs the same as a wrong password.
    this.dummyHash = await bcrypt.hash('not-a-password-of-anyone', this.settings.bcryptCost);
  }

  /** 503 unavailable at once when the queue is full; see HashQueue. */
  hash(password: string): Promise<string> {
    return this.queue.run(() => bcrypt.hash(password, this.settings.bcryptCost), requestContext.getStore()?.signal);
  }

  /** bcrypt would ignore what lies past 72 bytes; such a password never matches. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await this.queue.run(
      () => bcrypt.compare(password, hash ?? this.dummyHash),
      requestContext.getStore()?.signal,
    );
    return matches && hash !== undefined && Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES;
  }

  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.settings.bcryptCost;
  }
}
