import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { Logger } from 'pino';
import { LOGGER } from '../logging/logger.module';
import { renderError } from './render-error';

/** The one filter: every error leaves the service in the contract's shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const rendered = renderError(exception);
    if (rendered.unexpected) this.logger.error({ err: exception }, 'unexpected error');
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(rendered.headers ?? {})) response.setHeader(name, value);
    response.status(rendered.status).json(rendered.body);
  }
}
