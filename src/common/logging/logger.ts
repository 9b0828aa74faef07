import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

import { LogLevel } from '../../config/server.settings';
import { redactTokens } from './redact-tokens';
import { requestContext } from './request-context';

/**
 * Paths removed from every log line. Bodies are never logged, but a request object, an error with
 * a config, or a careless `logger.info(dto)` must not be able to leak a credential either.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.password_hash',
  '*.passwordHash',
  '*.token',
  '*.refresh_token',
  '*.access_token',
  '*.accept_token',
  '*.secret',
  '*.privateKey',
  '*.private_key',
  'err.parameters',
  'err.driverError.parameters',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'identity-service' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { request_id: context.requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
      // Last pass over every line, whatever wrote it (the request line's URL included).
      hooks: { streamWrite: redactTokens },
    },
    destination,
  );
}

/** Lets Nest's own messages (startup, routes) go through the same JSON logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, stack: trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
