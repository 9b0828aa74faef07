import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { COUNTER_STORE } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';
import { RateLimitService } from './rate-limit.service';
import { RedisCounterStore } from './redis-counter-store';

@Module({
  providers: [
    {
      provide: COUNTER_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.redisUrl ? new RedisCounterStore(config.redisUrl, config.redisKeyPrefix) : new MemoryCounterStore(),
    },
    RateLimitService,
  ],
  exports: [RateLimitService],
})
export class RateLimitModule {}
