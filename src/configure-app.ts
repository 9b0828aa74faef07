import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { renderError } from './common/errors/render-error';
import { jsonOnlyMiddleware } from './common/http/json-only.middleware';
import { requestIdMiddleware } from './common/http/request-id.middleware';
import { AppConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';

/** Everything that must be done on the app instance; shared by main.ts and the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestIdMiddleware);
  app.use(helmet());
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAge: 600,
  });
  app.use(requestTimeout(config.requestTimeoutMs));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as Request & { id: string }).id,
      // Client errors (a wrong password, a 429 under attack) are the service working as designed:
      // info, like every answer. Only server errors are errors.
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // Only what an operator needs; headers could carry credentials.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(jsonOnlyMiddleware);
  app.use(express.json({ limit: config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  // Body-parser and media-type errors happen before Nest routes, so they are rendered here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const rendered = renderError(error);
    res.status(rendered.status).json(rendered.body);
  });
  setUpOpenApi(app);
}

/** Counts and times every answer by route pattern (never the raw path, which would carry ids). */
function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const routePath = (req.route as { path?: string } | undefined)?.path;
      const labels = {
        method: req.method,
        route: routePath ? `${req.baseUrl}${routePath}` : 'unmatched',
        status: String(res.statusCode),
      };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/** Answers 503 unavailable to a request still unanswered after `ms`, so no client waits forever. */
function requestTimeout(ms: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) res.status(503).json({ code: 'unavailable', message: 'The request took too long', details: null });
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    res.once('finish', () => clearTimeout(timer));
    next();
  };
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('Identity service')
    .setDescription('Users, organizations, memberships, roles and invitations, and the tokens that carry them.')
    .setVersion('1.0.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Access token from login or refresh-token',
    })
    .build();
  return SwaggerModule.createDocument(app, document);
}

function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
  });
}
