import { Module } from '@nestjs/common';

import { RateLimitSettings } from '../config/rate-limit.settings';
import { COUNTER_STORE } from './counter-store';
import { IpRateLimitGuard } from './ip-rate-limit.guard';
import { IpRateLimiter } from './ip-rate-limiter';
import { LoginThrottle } from './login-throttle';
import { MemoryCounterStore } from './memory-counter-store';
import { Quotas } from './quotas';
import { RateLimitStore } from './rate-limit-store';
import { RedisCounterStore } from './redis-counter-store';

@Module({
  providers: [
    {
      provide: COUNTER_STORE,
      inject: [RateLimitSettings],
      useFactory: async (settings: RateLimitSettings) =>
        settings.redisUrl ? RedisCounterStore.open(settings.redisUrl, settings.redisKeyPrefix) : new MemoryCounterStore(),
    },
    RateLimitStore,
    IpRateLimiter,
    IpRateLimitGuard,
    LoginThrottle,
    Quotas,
  ],
  exports: [RateLimitStore, IpRateLimiter, IpRateLimitGuard, LoginThrottle, Quotas],
})
export class RateLimitModule {}
