import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type LoginOutcome = 'success' | 'invalid_credentials' | 'account_not_found' | 'rate_limited' | 'email_not_verified';

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * several app instances in one process do not share counters.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'identity_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'identity_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly logins = new Counter({
    name: 'identity_login_attempts_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimitBlocks = new Counter({
    name: 'identity_rate_limit_blocks_total',
    help: 'Requests refused with 429, by scope (ip or account) and action',
    labelNames: ['scope', 'action'] as const,
    registers: [this.registry],
  });

  readonly rateLimitStoreFailures = new Counter({
    name: 'identity_rate_limit_store_failures_total',
    help: 'Rate-limit store (Redis) operations that failed and were counted in process memory instead',
    registers: [this.registry],
  });

  readonly passwordHashesSkipped = new Counter({
    name: 'identity_password_hashes_skipped_total',
    help: 'Password hashes never run: refused with the queue full (queue_full), or dropped for a request nobody waited for any more (abandoned)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly refreshReuse = new Counter({
    name: 'identity_refresh_token_reuse_total',
    help: 'Refresh tokens presented again after rotation (their sessions were revoked)',
    registers: [this.registry],
  });

  readonly retentionDeleted = new Counter({
    name: 'identity_retention_deleted_total',
    help: 'Rows the retention sweep deleted, by kind (session, email_token, email, event, invitation, audit_event)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** What each outbox (email, event) has waiting, read at scrape time. */
  private readonly backlogs = new Map<string, () => Promise<number>>();

  constructor() {
    const backlogs = this.backlogs;
    new Gauge({
      name: 'identity_outbox_backlog',
      help: 'Outbox rows waiting for delivery, by kind: emails not sent nor given up, events not yet published',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        for (const [kind, count] of backlogs) this.set({ kind }, await count());
      },
    });
    // Node's process and runtime metrics under their standard names (process_*, nodejs_*), so
    // stock dashboards work; the service's own metrics are identity_*.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Registers an outbox's backlog as identity_outbox_backlog{kind}. */
  outboxBacklog(kind: 'email' | 'event', count: () => Promise<number>): void {
    this.backlogs.set(kind, count);
  }

  /** Adds a gauge whose value is read at scrape time. */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect((labels, value) => this.set(labels, value));
      },
    });
  }
}
