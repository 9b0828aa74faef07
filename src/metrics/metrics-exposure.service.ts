import { timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AppError } from '../common/errors/app-error';
import { MetricsSettings } from '../config/metrics.settings';
import { MetricsService } from './metrics.service';

@Injectable()
export class MetricsExposure {
  constructor(
    private readonly settings: MetricsSettings,
    private readonly metrics: MetricsService,
  ) {}

  async scrape(authorization: string | undefined): Promise<{ contentType: string; body: string }> {
    const token = this.settings.token;
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
