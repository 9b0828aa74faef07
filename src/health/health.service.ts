import { Injectable } from '@nestjs/common';

import { RateLimitSettings } from '../config/rate-limit.settings';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimitStore } from '../rate-limit/rate-limit-store';
import { HealthRepository } from './health.repository';

const PROBE_TIMEOUT_MS = 2000;

export interface Readiness {
  status: 'ok' | 'error';
  db: 'connected' | 'unavailable';
  redis?: 'connected' | 'unavailable';
  shutting_down?: true;
}

@Injectable()
export class HealthService {
  private stopping = false;

  constructor(
    private readonly rateLimits: RateLimitSettings,
    private readonly repository: HealthRepository,
    private readonly limits: RateLimitStore,
    metrics: MetricsService,
  ) {
    metrics.gauge('identity_db_pool_connections', 'Database pool connections by state', ['state'], (set) => {
      const pool = this.repository.poolStats();
      if (!pool) return;
      set({ state: 'total' }, pool.total);
      set({ state: 'idle' }, pool.idle);
      set({ state: 'waiting' }, pool.waiting);
    });
  }

  /** From now on the service is not ready: a load balancer takes it out of rotation while it drains. */
  beginShutdown(): void {
    this.stopping = true;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Whether the shared rate-limit store (Redis) answers; limits count in process memory while it does not. */
  redisReachable(): Promise<boolean> {
    return withTimeout(this.limits.reachable(), PROBE_TIMEOUT_MS);
  }

  /**
   * Ready when the database answers within the probe timeout and the service is not shutting
   * down. Redis is reported, but its absence does not make the service unready: the limits then
   * count in process memory, and taking every replica out of rotation would turn a Redis outage
   * into a full one.
   */
  async readiness(): Promise<Readiness> {
    const [db, redis] = await Promise.all([
      this.databaseReachable(),
      this.rateLimits.redisUrl ? this.redisReachable() : undefined,
    ]);
    return {
      status: db && !this.stopping ? 'ok' : 'error',
      db: db ? 'connected' : 'unavailable',
      ...(redis === undefined ? {} : { redis: redis ? ('connected' as const) : ('unavailable' as const) }),
      ...(this.stopping ? { shutting_down: true as const } : {}),
    };
  }

  databaseReachable(): Promise<boolean> {
    return withTimeout(
      this.repository.ping().then(() => true),
      PROBE_TIMEOUT_MS,
    );
  }
}

async function withTimeout(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
