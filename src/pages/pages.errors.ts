import { AppError } from '../common/errors/app-error';

/** A file under /pages/ that the pages do not have: answered like any unknown route. */
export class PageAssetNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Resource not found');
  }
}
