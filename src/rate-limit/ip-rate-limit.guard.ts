import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { RateLimitedAction } from '../config/rate-limit.settings';
import { IpRateLimiter, rateLimitHeaders } from './ip-rate-limiter';

const RATE_LIMIT_ACTION = 'identity:rateLimitAction';

/** Names the per-IP limit a route counts against (see RATE_LIMIT_* settings). */
export const RateLimit = (action: RateLimitedAction): MethodDecorator => SetMetadata(RATE_LIMIT_ACTION, action);

/**
 * Counts the request against its route's per-IP limit. The IP is req.ip, which believes
 * X-Forwarded-For only as far as TRUST_PROXY says.
 */
@Injectable()
export class IpRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: IpRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<RateLimitedAction | undefined>(RATE_LIMIT_ACTION, context.getHandler());
    if (!action) return true;
    const http = context.switchToHttp();
    const allowance = await this.limiter.consume(action, http.getRequest<FastifyRequest>().ip);
    http.getResponse<FastifyReply>().headers(rateLimitHeaders(allowance));
    return true;
  }
}
