import { AppError } from '../common/errors/app-error';

export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 'Invalid email or password');
  }
}

export class AccountNotFoundError extends AppError {
  constructor() {
    super('account_not_found', 'No account exists for this email');
  }
}

export class EmailNotVerifiedError extends AppError {
  constructor() {
    super('email_not_verified', 'Verify your email address before signing in');
  }
}

/** Access token missing, malformed, expired, revoked or of the wrong type: one answer for all. */
export class UnauthorizedError extends AppError {
  constructor(message = 'The access token is missing, invalid, expired or revoked') {
    super('unauthorized', message);
  }
}
