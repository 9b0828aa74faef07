import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { AccessTokens } from './access-tokens';
import { AccessClaims, RevocationSet } from './revocations';

const PERMISSION = 'mesh:permission';
const PUBLIC = 'mesh:public';
const BEARER = /^Bearer (\S+)$/;

/** The permission a route needs, from the token's `permissions` (the identity service's catalog). */
export const RequirePermission = (permission: string): MethodDecorator => SetMetadata(PERMISSION, permission);

/** A route without a token (health probes). */
export const Public = (): MethodDecorator => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = FastifyRequest & { claims?: AccessClaims };

/**
 * Every route needs a valid access token of the identity service, checked here without a call to
 * it: signature and claims offline (AccessTokens), revocations from the event stream
 * (RevocationSet), and the route's permission from the token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly revocations: RevocationSet,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.get<boolean>(PUBLIC, context.getHandler())) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const claims = token ? await this.tokens.verify(token) : undefined;
    if (!claims) throw new UnauthorizedException({ code: 'unauthorized', message: 'A valid access token is required' });
    const revoked = this.revocations.reasonToRefuse(claims);
    if (revoked) throw new UnauthorizedException({ code: 'unauthorized', message: `The token no longer counts: ${revoked}` });
    const permission = this.reflector.get<string | undefined>(PERMISSION, context.getHandler());
    if (permission && !claims.permissions.includes(permission)) {
      throw new ForbiddenException({
        code: 'forbidden',
        message: `This needs the ${permission} permission`,
        details: { permission },
      });
    }
    request.claims = claims;
    return true;
  }
}
