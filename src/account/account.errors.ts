import { AppError } from '../common/errors/app-error';

/** A verification or reset token that is unknown, already used or expired: one answer for all. */
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

export class WrongCurrentPasswordError extends AppError {
  constructor() {
    super('invalid_credentials', 'The current password is wrong');
  }
}

/** The account behind a valid session is gone (deleted between the bearer check and this request). */
export class AccountGoneError extends AppError {
  constructor() {
    super('unauthorized', 'The access token is missing, invalid, expired or revoked');
  }
}
