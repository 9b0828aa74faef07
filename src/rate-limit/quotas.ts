import { Injectable } from '@nestjs/common';

import { Rate } from '../config/rate-limit.settings';
import { MetricsService } from '../metrics/metrics.service';
import { wholeSeconds } from './ip-rate-limiter';
import { RateLimitedError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit-store';

/**
 * Limits per subject rather than per client: emails per account or per recipient, so that no
 * loop of requests, from however many addresses, turns the service into a mail cannon.
 */
@Injectable()
export class Quotas {
  constructor(
    private readonly store: RateLimitStore,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Counts one use of `action` by `subject` against each rate, shortest first; past one of them,
   * 429 rate_limited with Retry-After (the rates after it are not counted).
   */
  async consume(action: string, subject: string, rates: readonly Rate[]): Promise<void> {
    const retryAfter = await this.count(action, subject, rates);
    if (retryAfter === undefined) return;
    this.metrics.rateLimitBlocks.inc({ scope: 'subject', action });
    throw new RateLimitedError(retryAfter);
  }

  /** Like consume, for limits that must not be noticed (they would reveal an account): false past one. */
  async allows(action: string, subject: string, rates: readonly Rate[]): Promise<boolean> {
    return (await this.count(action, subject, rates)) === undefined;
  }

  /** Seconds until the exhausted rate frees up, or undefined when every rate allows this use. */
  private async count(action: string, subject: string, rates: readonly Rate[]): Promise<number | undefined> {
    for (const rate of [...rates].sort((a, b) => a.windowSeconds - b.windowSeconds)) {
      const counter = await this.store.increment(`quota:${action}:${rate.windowSeconds}:${subject}`, rate.windowSeconds * 1000);
      if (counter && counter.count > rate.limit) return wholeSeconds(counter.ttlMs);
    }
    return undefined;
  }
}
