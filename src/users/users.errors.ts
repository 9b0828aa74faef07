import { AppError } from '../common/errors/app-error';

export class EmailTakenError extends AppError {
  constructor() {
    super('email_taken', 'An account with this email already exists');
  }
}

export class UserNotFoundError extends AppError {
  constructor() {
    super('not_found', 'User not found');
  }
}

/** Every core is hashing and PASSWORD_HASH_QUEUE hashes wait already: refused at once, not queued. */
export class HashQueueFullError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      'unavailable',
      'Too many password checks are waiting; try again shortly',
      { retry_after: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** The request was answered (timed out) or abandoned while its hash waited: the hash never runs. */
export class HashAbandonedError extends AppError {
  constructor() {
    super('unavailable', 'The request was abandoned');
  }
}
