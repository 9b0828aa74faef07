import { HttpException } from '@nestjs/common';

import { AppError } from './app-error';
import { ErrorCode } from './error-codes';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './unavailable';

export interface RenderedError {
  status: number;
  body: { code: string; message: string; details: Record<string, unknown> | null };
  headers?: Record<string, string>;
  /** True when the error was not expected: it is logged with its stack. */
  unexpected: boolean;
  /** True when the database could not be reached: logged as a warning, without a stack. */
  databaseUnavailable?: boolean;
}

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Turns anything thrown into the contract's error shape (used by the global filter). Fastify's own
 * 4xx errors (body too large, bad Content-Length, malformed URL) reach it as HttpExceptions: the
 * Nest adapter maps them by their status code. An unreachable database is 503 `unavailable` with
 * Retry-After, never 500.
 */
export function renderError(error: unknown): RenderedError {
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: { code: error.code, message: error.message, details: error.details },
      headers: error.headers,
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_STATUS_CODES[status];
    if (code) return known(status, code, messageOf(error, status));
  }
  if (isDatabaseUnavailable(error)) return { ...renderError(new DatabaseUnavailableError()), databaseUnavailable: true };
  return { status: 500, body: { code: 'internal_error', message: 'Internal server error', details: null }, unexpected: true };
}

function known(status: number, code: ErrorCode, message: string): RenderedError {
  return { status, body: { code, message, details: null }, unexpected: false };
}

function messageOf(error: HttpException, status: number): string {
  if (status === 404) return 'Resource not found';
  if (status === 401) return 'Authentication required';
  if (status === 413) return 'Request body is too large';
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  return typeof message === 'string' ? message : error.message;
}
