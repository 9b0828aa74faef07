import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  /** The client IP as the HTTP platform sees it (TRUST_PROXY applies). */
  ip: string | undefined;
  /**
   * Aborted once nobody waits for the answer any more (REQUEST_TIMEOUT_MS answered 503, or the
   * client went away): queued work for the request, a password hash above all, is dropped.
   */
  signal?: AbortSignal;
}

/** Carries the request id to every log line written while a request is served. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
