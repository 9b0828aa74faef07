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
      else done(inspectJson(value as object), value);
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
  return [inspectJson(fields), fields];
}

// Deeper than any body of this API (a WebAuthn credential is four levels); bounds the walks of
// the validators too.
const MAX_DEPTH = 32;
// Names that reach an object's prototype machinery: class-transformer reads `value.constructor` of
// nested objects, and a client-sent one made it throw (a 500). No field of this API has these
// names, and unknown fields are ignored anyway, so they are dropped.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A NUL character (PostgreSQL cannot store one, and bcrypt would end a password there), or a lone
 * surrogate (`"\ud800"` is valid JSON but no text: it has no UTF-8 form, and validators choke on it).
 */
function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must not contain lone surrogates (\\ud800-\\udfff)';
  return undefined;
}

/**
 * Walks a parsed body once, iteratively: drops prototype-named keys at any depth, refuses a key
 * or string with a NUL character or a lone surrogate, and bodies nested deeper than MAX_DEPTH.
 * Null when the body may go on.
 */
export function inspectJson(body: object): AppError | null {
  const pending: [unknown, number][] = [[body, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return AppError.invalidRequest([], `Request body ${problem}`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return AppError.invalidRequest([], `Request body is nested deeper than ${MAX_DEPTH} levels`);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const problem = stringProblem(key);
      if (problem) return AppError.invalidRequest([], `Request body ${problem}`);
      if (PROTOTYPE_KEYS.has(key)) delete record[key];
      else pending.push([record[key], depth + 1]);
    }
  }
  return null;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
