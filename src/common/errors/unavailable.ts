import { AppError } from './app-error';

/** How long a client should wait before retrying after a 503 of an unreachable database, in seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Socket errors of a server that is down, restarting or cut off.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATEs of a server that cannot serve now: class 08 (connection exception), shutting down or
// starting up (57P01-57P03), out of connections or resources (53xxx), a statement or idle
// transaction cancelled by a server-side timeout (57014, 25P03).
const SQLSTATES = /^(08...|57P0[123]|53...|57014|25P03)$/;
// What pg, pg-pool and TypeORM say when the connection is gone or never came.
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Cannot use a pool after calling end on the pool',
];
// TypeORM: the DataSource is closed; or the connection of a transaction broke and TypeORM released
// it (on the connection's error event), so the transaction's next statement finds no connection.
const ERROR_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'QueryRunnerAlreadyReleasedError']);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  syscall?: unknown;
  driverError?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/**
 * True for an error that says the database cannot be reached (down, restarting, cut off, out of
 * connections, too slow to answer), as opposed to a query it refused. Such a request answers 503
 * `unavailable` with Retry-After, never 500: the client did nothing wrong and may retry. Looks
 * through TypeORM's QueryFailedError (driverError), AggregateError (errors) and `cause`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { name, message, code, syscall, driverError, errors, cause } = error as ErrorLike;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.test(code)) return true;
    // A Unix socket that is not there (the embedded server is gone).
    if (code === 'ENOENT' && syscall === 'connect') return true;
  }
  if (typeof name === 'string' && ERROR_NAMES.has(name)) return true;
  if (typeof message === 'string' && MESSAGES.some((text) => message.includes(text))) return true;
  const inner = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((nested) => isDatabaseUnavailable(nested, depth + 1));
}

export class DatabaseUnavailableError extends AppError {
  constructor() {
    super('unavailable', 'The service is temporarily unavailable; try again shortly', null, {
      'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
    });
  }
}
