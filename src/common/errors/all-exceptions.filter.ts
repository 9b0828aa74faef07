import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Logger } from 'pino';

import { LOGGER } from '../logging/logger.module';
import { renderError } from './render-error';

/** The one filter: every error leaves the service in the contract's shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const rendered = renderError(exception);
    if (rendered.unexpected) this.logger.error({ err: exception }, 'unexpected error');
    if (rendered.databaseUnavailable) this.logger.warn({ reason: reasonOf(exception) }, 'database unavailable');
    if (reply.sent || reply.raw.headersSent) return;
    if (rendered.headers) reply.headers(rendered.headers);
    void reply.status(rendered.status).send(rendered.body);
  }
}

/** The driver's words (ECONNREFUSED, a timeout), without the statement or its parameters. */
function reasonOf(exception: unknown): string {
  const driverError = (exception as { driverError?: unknown }).driverError;
  const error = driverError instanceof Error ? driverError : exception;
  return error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
}
