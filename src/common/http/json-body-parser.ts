import type { FastifyInstance, FastifyRequest } from 'fastify';

import { AppError } from '../errors/app-error';

/**
 * The API speaks JSON only. A JSON body must be an object or an array (a bare `null` or string is
 * refused, as Express's strict parser did); an empty one is no body. A body of any other type
 * answers 415 before it is read; a request without a body passes whatever its Content-Type.
 */
export function installJsonOnlyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  const json = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => {
    const charset = /;\s*charset=("?)([^";]+)\1/i.exec(request.headers['content-type'] ?? '')?.[2].toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError('unsupported_media_type', 'Request body must be UTF-8 JSON'));
      return;
    }
    if (body === '') {
      done(null, undefined);
      return;
    }
    void parse(request, body, (error, value) => {
      if (error || typeof value !== 'object' || value === null)
        done(AppError.invalidRequest([], 'Request body is not valid JSON'));
      else done(null, value);
    });
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, json);
  fastify.addContentTypeParser(/^application\/[\w.-]+\+json(;|$)/i, { parseAs: 'string' }, json);
  fastify.addContentTypeParser(
    '*',
    (request: FastifyRequest, _payload: unknown, done: (error: Error | null, value?: unknown) => void) => {
      if (hasBody(request)) done(new AppError('unsupported_media_type', 'Request body must be application/json'));
      else done(null, undefined);
    },
  );
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
