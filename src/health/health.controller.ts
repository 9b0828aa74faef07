import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Public } from '../common/request/decorators';
import { HealthService } from './health.service';

class LivenessResponse {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';
}

class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['connected', 'unavailable'] })
  db!: 'connected' | 'unavailable';

  @ApiProperty({
    enum: ['connected', 'unavailable'],
    required: false,
    description:
      'Only with REDIS_URL. Redis down does not make the service unready: the rate limits count in process memory meanwhile.',
  })
  redis?: 'connected' | 'unavailable';

  @ApiProperty({
    enum: [true],
    required: false,
    description: 'Present once SIGTERM was received: the service still answers for SHUTDOWN_DELAY_MS, then stops.',
  })
  shutting_down?: true;
}

@ApiTags('probes')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ type: LivenessResponse })
  checkLiveness(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers and the service is not shutting down, else 503' })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiServiceUnavailableResponse({
    type: ReadinessResponse,
    description: 'The database is unreachable, or the service is shutting down',
  })
  checkReadiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponse> {
    return this.health.readiness().then((readiness) => {
      void reply.status(readiness.status === 'ok' ? 200 : 503);
      return readiness;
    });
  }
}
