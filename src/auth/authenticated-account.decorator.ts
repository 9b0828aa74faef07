import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { SignInAccount } from './credentials.service';

/** What the login guard authenticated: the account with its organizations and second factor. */
export const AuthenticatedAccount = createParamDecorator((_data: unknown, context: ExecutionContext): SignInAccount => {
  return context.switchToHttp().getRequest<FastifyRequest & { user?: SignInAccount }>().user as SignInAccount;
});
