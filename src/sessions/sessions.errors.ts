import { AppError } from '../common/errors/app-error';

/** A refresh token that is malformed, expired, of another session, or of a revoked or ended one. */
export class InvalidRefreshTokenError extends AppError {
  constructor(message = 'The refresh token is invalid or expired') {
    super('unauthorized', message);
  }
}

/** An already-rotated refresh token came back: its session was revoked. */
export class RefreshTokenReusedError extends AppError {
  constructor() {
    super('refresh_token_reused', 'This refresh token was already used; the session has been revoked, sign in again');
  }
}

export class SessionNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Session not found');
  }
}
