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
