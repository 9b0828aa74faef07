import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { ProfileView } from '../organizations/organization-scopes.read-model';

/** What the login guard authenticated: the account with its organizations. */
export const AuthenticatedAccount = createParamDecorator((_data: unknown, context: ExecutionContext): ProfileView => {
  return context.switchToHttp().getRequest<FastifyRequest & { user?: ProfileView }>().user as ProfileView;
});
