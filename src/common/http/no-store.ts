import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

interface NoStoreConfig {
  noStore?: boolean;
}

/**
 * Marks a route whose answers carry a token (login, refresh-token, switch-organization, an
 * invitation's accept token …): every answer of it, errors included, gets `Cache-Control:
 * no-store` and `Pragma: no-cache`, so no browser, proxy or CDN keeps a copy. Set by the onRequest
 * hook of configureApp, before any guard runs.
 */
export const NoStore = (): MethodDecorator => RouteConfig({ noStore: true } satisfies NoStoreConfig);

export function applyNoStore(request: FastifyRequest, reply: FastifyReply): void {
  if ((request.routeOptions.config as NoStoreConfig | undefined)?.noStore === true) {
    reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }
}
