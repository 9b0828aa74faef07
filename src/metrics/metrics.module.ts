import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsExposure } from './metrics-exposure.service';
import { MetricsService } from './metrics.service';

/** Global: every feature records into the one registry. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsExposure],
  exports: [MetricsService],
})
export class MetricsModule {}
