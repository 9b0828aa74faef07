import { Global, Module } from '@nestjs/common';

import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { MetricsExposure } from './metrics-exposure.service';

/** Global: every feature records into the one registry. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsExposure],
  exports: [MetricsService],
})
export class MetricsModule {}
