import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  /** The client IP as the HTTP platform sees it (TRUST_PROXY applies). */
  ip: string | undefined;
}

/** Carries the request id to every log line written while a request is served. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
