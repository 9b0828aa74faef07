import { QueryFailedError } from 'typeorm';

import { renderError } from './render-error';

const withCode = (message: string, code: string, syscall?: string) => Object.assign(new Error(message), { code, syscall });

describe('renderError', () => {
  it('answers an unexpected error 500 internal_error, without internals, and marks it for the log', () => {
    expect(renderError(new TypeError('x is undefined'))).toEqual({
      status: 500,
      body: { code: 'internal_error', message: 'Internal server error', details: null },
      unexpected: true,
    });
    expect(renderError(new QueryFailedError('SELECT', [], withCode('syntax error', '42601'))).status).toBe(500);
  });

  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'connect')],
    ['a connection reset mid-query', new QueryFailedError('SELECT', [], withCode('read ECONNRESET', 'ECONNRESET', 'read'))],
    ['a connection the server ended', new QueryFailedError('SELECT', [], new Error('Connection terminated unexpectedly'))],
    ['the pool waiting too long', new Error('timeout exceeded when trying to connect')],
    ['a query without an answer', new QueryFailedError('SELECT', [], new Error('Query read timeout'))],
    ['a server shutting down', new QueryFailedError('SELECT', [], withCode('terminating connection', '57P01'))],
    ['a server starting up', withCode('the database system is starting up', '57P03')],
    ['a server out of connections', withCode('sorry, too many clients already', '53300')],
    ['an embedded socket that is gone', withCode('connect ENOENT /data/.s.PGSQL.5432', 'ENOENT', 'connect')],
    [
      'a transaction whose connection broke',
      Object.assign(new Error('Query runner already released'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ],
    ['every address refused', new AggregateError([withCode('refused', 'ECONNREFUSED')], 'connect failed')],
  ])('answers %s with 503 unavailable and Retry-After', (_case, error) => {
    const rendered = renderError(error);
    expect(rendered).toMatchObject({
      status: 503,
      body: { code: 'unavailable', message: expect.any(String), details: null },
      headers: { 'Retry-After': '5' },
      unexpected: false,
      databaseUnavailable: true,
    });
  });
});
