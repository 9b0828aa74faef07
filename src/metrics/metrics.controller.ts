import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Public } from '../common/request/decorators';
import { MetricsExposure } from './metrics-exposure.service';

/** Prometheus scrape endpoint; 404 unless METRICS_TOKEN is set, then that bearer token is required. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly exposure: MetricsExposure) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { contentType, body } = await this.exposure.scrape(authorization);
    void reply.header('Content-Type', contentType).header('Cache-Control', 'no-store');
    return body;
  }
}
