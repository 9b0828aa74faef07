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
