import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';

import { AppError } from './common/errors/app-error';
import { renderError } from './common/errors/render-error';
import { answerClientError } from './common/http/client-errors';
import { installJsonOnlyParsers } from './common/http/json-body-parser';
import { applyNoStore } from './common/http/no-store';
import { setUpOpenApi } from './common/http/openapi';
import { trustHops } from './common/http/private-address';
import { securityHeaders } from './common/http/security-headers';
import { requestContext } from './common/logging/request-context';
import { ServerSettings } from './config/server.settings';
import { HealthService } from './health/health.service';
import { MetricsService } from './metrics/metrics.service';

declare module 'fastify' {
  interface FastifyRequest {
    /** The timer that answers 503 when the request outlives REQUEST_TIMEOUT_MS. */
    deadline: NodeJS.Timeout | null;
    /** Aborted when nobody waits for the answer any more (see RequestContext.signal). */
    abandoned: AbortController | null;
  }
}

const REQUEST_ID_HEADER = 'x-request-id';
// A caller-supplied id is kept only when it is short and printable, so it cannot forge log lines.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The HTTP platform: Fastify, because on Express the framework alone took most of a small
 * request's CPU (docs/decisions.md).
 */
export function createHttpAdapter(config: ServerSettings): FastifyAdapter {
  const trust = config.trustProxy;
  return new FastifyAdapter({
    // A number trusts that many hops from this service (Express's meaning too), but only proxies
    // on loopback or private addresses: a direct caller cannot pick its own client address.
    trustProxy: typeof trust === 'number' ? trustHops(trust) : trust,
    bodyLimit: config.bodyLimit,
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers[REQUEST_ID_HEADER];
      return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Express answered "/api/v1/me/" like "/api/v1/me"; clients may rely on that.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Request lines are written by the onResponse hook below, in the service's own format.
    logger: false,
    // What the HTTP parser refuses is answered in the error shape too.
    clientErrorHandler: answerClientError,
  });
}

/** Everything that must be done on the app instance; shared by main.ts and the e2e tests. */
export function configureApp(app: NestFastifyApplication, config: ServerSettings, logger: Logger): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  installJsonOnlyParsers(fastify);
  const headers = securityHeaders();
  const metrics = app.get(MetricsService);
  const health = app.get(HealthService);
  // The request line carries only method, URL, status and time: it skips the redaction of
  // credential-named fields; a token in the URL's query is redacted from it like from every line.
  const requestLog = logger.child({}, { redact: [] });

  fastify.decorateRequest('deadline', null);
  fastify.decorateRequest('abandoned', null);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.headers(request.protocol === 'https' ? headers.https : headers.http);
    reply.header('X-Request-Id', request.id);
    applyNoStore(request, reply);
    const abandoned = new AbortController();
    request.abandoned = abandoned;
    request.deadline = setTimeout(() => {
      answerTooLate(reply);
      abandoned.abort();
    }, config.requestTimeoutMs);
    request.deadline.unref();
    requestContext.run({ requestId: request.id, ip: request.ip, signal: abandoned.signal }, done);
  });
  // Once shutting down, each answer closes its connection: a keep-alive connection that turns idle
  // after the server stopped listening would otherwise hold the exit for the keep-alive timeout,
  // and a client that reconnects reaches a replica that is not going away.
  fastify.addHook('onSend', (_request: FastifyRequest, reply: FastifyReply, _payload: unknown, done: () => void) => {
    if (health.shuttingDown) reply.header('Connection', 'close');
    done();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) => {
    if (request.deadline) clearTimeout(request.deadline);
    request.abandoned?.abort();
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.deadline) clearTimeout(request.deadline);
    const status = reply.statusCode;
    // Counted and timed by route pattern, never the raw path, which would carry ids.
    const labels = { method: request.method, route: routeOf(request), status: String(status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    // Client errors (a wrong password, a 429 under attack) are the service working as designed:
    // info, like every answer. Only server errors are errors. Only what an operator needs:
    // headers could carry credentials.
    requestLog[status >= 500 ? 'error' : 'info'](
      {
        request_id: request.id,
        req: { method: request.method, url: request.url },
        res: { status },
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
    done();
  });

  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAge: 600,
  });
  setUpOpenApi(app);
}

function routeOf(request: FastifyRequest): string {
  return request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
}

/** Answers 503 unavailable to a request still unanswered after REQUEST_TIMEOUT_MS, so no client waits forever. */
function answerTooLate(reply: FastifyReply): void {
  if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
  const { status, body } = renderError(new AppError('unavailable', 'The request took too long'));
  void reply.code(status).send(body);
}
