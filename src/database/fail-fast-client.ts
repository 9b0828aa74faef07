import { Client, ClientConfig } from 'pg';

type Query = (...args: unknown[]) => unknown;

const timedOut = (error: unknown) => error instanceof Error && error.message === 'Query read timeout';

/**
 * A pg client that closes its connection when a query outlives query_timeout. pg answers the
 * caller "Query read timeout" but keeps the connection, with the unanswered query still on it: the
 * next query (the transaction's ROLLBACK, or another request's) would wait behind it, and the pool
 * would hand the connection out again. A closed connection is dropped by the pool, and the server
 * aborts the statement when it notices. This is what makes a database that stops answering (a
 * network partition) cost each request one timeout, not one per query.
 */
export class FailFastClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = super.query.bind(this) as Query;
    const drop = (error: unknown) => {
      if (timedOut(error)) (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    };
    const wrapped: Query = (...args) => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: unknown, result: unknown) => {
          drop(error);
          (callback as (error: unknown, result: unknown) => void)(error, result);
        };
        return query(...args);
      }
      const result = query(...args);
      if (result instanceof Promise) {
        return result.catch((error: unknown) => {
          drop(error);
          throw error;
        });
      }
      return result;
    };
    this.query = wrapped as Client['query'];
  }
}

/** For a connection that must wait as long as it takes (migrations): no client-side query timeout until `restore()`. */
export function withoutQueryTimeout(client: unknown): () => void {
  const parameters = (client as { connectionParameters?: { query_timeout?: number } }).connectionParameters;
  if (!parameters) return () => undefined;
  const before = parameters.query_timeout;
  parameters.query_timeout = undefined;
  return () => {
    parameters.query_timeout = before;
  };
}
