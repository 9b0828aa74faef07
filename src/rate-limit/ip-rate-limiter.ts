import { Injectable } from '@nestjs/common';

import { RateLimitedAction, RateLimitSettings } from '../config/rate-limit.settings';
import { MetricsService } from '../metrics/metrics.service';
import { addressGroup } from './client-address';
import { RateLimitedError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit-store';

export interface IpAllowance {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Per-IP limits on the open endpoints (RATE_LIMIT_*). */
@Injectable()
export class IpRateLimiter {
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly store: RateLimitStore,
    private readonly metrics: MetricsService,
  ) {}

  /** Counts a request of `action` from `ip` (an IPv6 client per /64); throws 429 past the limit. */
  async consume(action: RateLimitedAction, ip: string): Promise<IpAllowance> {
    const { limit, windowSeconds } = this.settings.ipLimits[action];
    const counter = await this.store.increment(`ip:${action}:${addressGroup(ip)}`, windowSeconds * 1000);
    const allowance = { limit, remaining: Math.max(0, limit - counter.count), resetSeconds: wholeSeconds(counter.ttlMs) };
    if (counter.count > limit) {
      this.metrics.rateLimitBlocks.inc({ scope: 'ip', action });
      throw new RateLimitedError(allowance.resetSeconds, rateLimitHeaders(allowance));
    }
    return allowance;
  }
}

export function rateLimitHeaders(allowance: IpAllowance): Record<string, string> {
  return {
    'RateLimit-Limit': String(allowance.limit),
    'RateLimit-Remaining': String(allowance.remaining),
    'RateLimit-Reset': String(allowance.resetSeconds),
  };
}
