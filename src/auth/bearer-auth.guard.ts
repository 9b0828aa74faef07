import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AuthenticatedRequest, BEARER_OPTIONAL, IS_PUBLIC } from '../common/request/decorators';
import type { LiveReads } from '../sessions/sessions.service';
import { UnauthorizedError } from './auth.errors';
import { BearerAuthService } from './bearer-auth.service';
import { LIVE_READS, ProfiledRequest } from './profile.decorator';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** The global guard: every route needs a valid access token unless it is marked @Public(). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & ProfiledRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      const optional = this.reflector.get<boolean | undefined>(BEARER_OPTIONAL, context.getHandler()) === true;
      if (!optional || request.headers.authorization === undefined) return true;
    }
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedError('A bearer access token is required');
    const reads = this.reflector.get<LiveReads | undefined>(LIVE_READS, context.getHandler()) ?? 'session';
    const { principal, profile, organizationRole } = await this.bearer.authenticate(match[1], reads);
    request.principal = principal;
    request.profile = profile;
    request.organizationRole = organizationRole;
    return true;
  }
}
