import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { ClientInfo, Principal } from './principal';

export const IS_PUBLIC = 'identity:isPublic';

export const BEARER_OPTIONAL = 'identity:bearerOptional';

/** Opts a route out of the global bearer guard (deny by default). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * A route open without a token that also takes one: a request with an Authorization header is
 * authenticated like any other (an invalid token is 401), one without goes on anonymous.
 * @OptionalPrincipal() hands over the caller, or undefined.
 */
export const BearerOptional = (): MethodDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), SetMetadata(BEARER_OPTIONAL, true));

/** The request as the bearer guard leaves it. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The caller authenticated by the bearer guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal as Principal;
});

/** The caller of a @BearerOptional() route, when it sent a valid access token. */
export const OptionalPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

/** User agent and client IP (req.ip honours TRUST_PROXY). */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { userAgent: request.headers['user-agent']?.slice(0, 512) ?? null, ip: request.ip };
});
