import { AppError } from '../common/errors/app-error';

export class ReadOnlyUserError extends AppError {
  constructor() {
    super('forbidden', 'Read-only users cannot change anything here');
  }
}

export class MissingPermissionError extends AppError {
  constructor(permission: string) {
    super('forbidden', `This needs the ${permission} permission in the organization`, { permission });
  }
}
