import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ClientInfo } from './auth.service';
import { Principal } from './principal';

/** What the login guard authenticated: the account with its organizations (a ProfileView). */
export const AuthenticatedUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<Request>().user;
});

/** User agent and client IP (req.ip honours TRUST_PROXY). */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<Request>();
  return { userAgent: request.header('user-agent') ?? null, ip: request.ip ?? null };
});

/** The caller authenticated by the bearer guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return (context.switchToHttp().getRequest<Request>() as Request & { principal: Principal }).principal;
});
