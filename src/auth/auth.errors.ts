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

/** Token missing, malformed, expired, revoked or of the wrong type: one answer for all. */
export class UnauthorizedError extends AppError {
  constructor(message = 'The access token is missing, invalid, expired or revoked') {
    super('unauthorized', message);
  }
}

export class InvalidEmailTokenError extends AppError {
  constructor() {
    super('unauthorized', 'The token is invalid, already used or expired');
  }
}

export class AlreadyVerifiedError extends AppError {
  constructor() {
    super('already_verified', 'The email address is already verified');
  }
}

export class EmailNotVerifiedError extends AppError {
  constructor() {
    super('email_not_verified', 'Verify your email address before signing in');
  }
}

export class WrongCurrentPasswordError extends AppError {
  constructor() {
    super('invalid_credentials', 'The current password is wrong');
  }
}

/** An already-rotated refresh token came back: its session was revoked. */
export class RefreshTokenReusedError extends AppError {
  constructor() {
    super('refresh_token_reused', 'This refresh token was already used; the session has been revoked, sign in again');
  }
}

export class NotAMemberError extends AppError {
  constructor() {
    super('forbidden', 'You are not a member of this organization, or it no longer exists');
  }
}

export class ReadOnlyAccountError extends AppError {
  constructor() {
    super('forbidden', 'Read-only users cannot change anything here');
  }
}

export class SessionNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Session not found');
  }
}
