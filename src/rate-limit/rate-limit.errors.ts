import { AppError } from '../common/errors/app-error';

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, headers: Record<string, string> = {}) {
    super(
      'rate_limited',
      'Too many requests; try again later',
      { retry_after: retryAfterSeconds },
      {
        ...headers,
        'Retry-After': String(retryAfterSeconds),
      },
    );
  }
}
