import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { ClientInfo, Principal } from './principal';

export const IS_PUBLIC = 'identity:isPublic';

/** Opts a route out of the global bearer guard (deny by default). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The request as the bearer guard leaves it. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The caller authenticated by the bearer guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal as Principal;
});

/** User agent and client IP (req.ip honours TRUST_PROXY). */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { userAgent: request.headers['user-agent']?.slice(0, 512) ?? null, ip: request.ip };
});
