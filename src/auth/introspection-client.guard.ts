import { createHash, timingSafeEqual } from 'node:crypto';

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { IntrospectionSettings } from '../config/introspection.settings';
import { IntrospectionDisabledError, InvalidClientError } from './auth.errors';

const BASIC = /^Basic ([A-Za-z0-9+/=]+)$/i;
const digest = (value: string) => createHash('sha256').update(value).digest();
// Compared against when the client id is unknown, so the answer takes as long as a wrong secret.
const NO_SECRET = digest('no client has this secret');

/**
 * Client authentication of the introspection endpoint (RFC 7662 §2.1): HTTP Basic against
 * INTROSPECTION_CLIENTS, the id and secret form-encoded as RFC 6749 §2.3.1 says. Without
 * clients the endpoint does not exist (404) whatever the request. Secrets are compared in
 * constant time, as SHA-256 digests so their lengths do not show either.
 */
@Injectable()
export class IntrospectionClientGuard implements CanActivate {
  constructor(private readonly settings: IntrospectionSettings) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.settings.clients.length === 0) throw new IntrospectionDisabledError();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) throw new InvalidClientError();
    const client = this.settings.clients.find((candidate) => candidate.id === credentials.id);
    const matches = timingSafeEqual(client ? digest(client.secret) : NO_SECRET, digest(credentials.secret));
    if (!client || !matches) throw new InvalidClientError();
    return true;
  }
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = BASIC.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
