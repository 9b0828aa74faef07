import type { FastifyInstance, FastifyRequest } from 'fastify';

import { AppError } from '../errors/app-error';

/**
 * Route config (`@RouteConfig(FORM_BODY)`) of the one route that also takes an HTML form body:
 * token introspection, whose clients send application/x-www-form-urlencoded (RFC 7662).
 */
export const FORM_BODY = { formBody: true } as const;

/**
 * The API speaks JSON only. A JSON body must be an object or an array (a bare `null` or string is
 * refused, as Express's strict parser did); an empty one is no body. A body of any other type
 * answers 415 before it is read; a request without a body passes whatever its Content-Type. Routes
 * marked FORM_BODY also take a form, read as an object of strings.
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
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => {
      if ((request.routeOptions.config as { formBody?: boolean } | undefined)?.formBody !== true) {
        done(new AppError('unsupported_media_type', 'Request body must be application/json'));
        return;
      }
      done(...parseForm(body));
    },
  );
  fastify.addContentTypeParser(
    '*',
    (request: FastifyRequest, _payload: unknown, done: (error: Error | null, value?: unknown) => void) => {
      if (hasBody(request)) done(new AppError('unsupported_media_type', 'Request body must be application/json'));
      else done(null, undefined);
    },
  );
}

/** A form as an object; a field given twice is 400, as RFC 6749 §3.2 wants of OAuth requests. */
function parseForm(body: string): [Error | null, Record<string, string>?] {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) return [AppError.invalidRequest([{ field: name, message: `${name} is given twice` }])];
    fields[name] = value;
  }
  return [null, fields];
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
