import { AppError } from '../common/errors/app-error';

export class ReadOnlyUserError extends AppError {
  constructor() {
    super('forbidden', 'Read-only users cannot change anything here');
  }
}
