import { ERROR_STATUS, ErrorCode } from './error-codes';

export type ErrorDetails = Record<string, unknown> | null;

export interface FieldProblem {
  field: string;
  message: string;
}

/** The one error type of the service: services throw it (or a subclass), the filter renders it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = null,
    /** Headers the answer must carry (Retry-After on 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static invalidRequest(fields: FieldProblem[], message = 'Request body is invalid'): AppError {
    return new AppError('invalid_request', message, { fields });
  }
}
