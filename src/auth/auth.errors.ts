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

/**
 * Access token missing, malformed, expired, revoked or of the wrong type: one answer for all,
 * with the RFC 6750 challenge that gateways (nginx auth_request, ForwardAuth, ext_authz) pass on.
 */
export class UnauthorizedError extends AppError {
  constructor(message = 'The access token is missing, invalid, expired or revoked') {
    super('unauthorized', message, null, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
}

/** Introspection: the client's HTTP Basic credentials are missing or wrong. */
export class InvalidClientError extends AppError {
  constructor() {
    super('unauthorized', 'Client authentication failed', null, { 'WWW-Authenticate': 'Basic realm="introspection"' });
  }
}

/** Introspection is off (INTROSPECTION_CLIENTS unset): the endpoint does not exist. */
export class IntrospectionDisabledError extends AppError {
  constructor() {
    super('not_found', 'Resource not found');
  }
}
