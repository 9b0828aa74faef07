import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientInfo } from './auth.service';
import { Principal } from './principal';

/** What the login guard authenticated: the account with its organizations (a ProfileView). */
export const AuthenticatedUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>().user;
});

/** User agent and client IP (req.ip honours TRUST_PROXY). */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { userAgent: request.headers['user-agent'] ?? null, ip: request.ip };
});

/** The caller authenticated by the bearer guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<FastifyRequest & { principal: Principal }>().principal;
});
