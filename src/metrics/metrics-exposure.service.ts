import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from './metrics.service';

@Injectable()
export class MetricsExposure {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async scrape(authorization: string | undefined): Promise<{ contentType: string; body: string }> {
    const token = this.config.metricsToken;
    // Without a token the endpoint does not exist on the public port.
    if (!token) throw new AppError('not_found', 'Resource not found');
    const presented = Buffer.from(authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new AppError('unauthorized', 'A valid metrics token is required');
    }
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }
}
