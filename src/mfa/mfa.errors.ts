import { AppError } from '../common/errors/app-error';

export type MfaMethod = 'totp' | 'recovery_code' | 'passkey';

export interface MfaRequiredDetails {
  mfa_token: string;
  methods: MfaMethod[];
}

/** The right password of an account with a second factor: no tokens yet, an mfa_token for POST /login/mfa. */
export class MfaRequiredError extends AppError {
  constructor(details: MfaRequiredDetails) {
    super('mfa_required', 'A second factor is required to finish signing in', { ...details });
  }
}

/** An mfa_token that is unknown, used, expired or dead after too many wrong codes: one answer for all. */
export class InvalidMfaTokenError extends AppError {
  constructor() {
    super('unauthorized', 'The mfa_token is invalid, already used or expired: sign in with the password again');
  }
}

/** A wrong (or missing) code, recovery code or passkey where the account's second factor is asked for. */
export class WrongSecondFactorError extends AppError {
  constructor(message = 'The code is wrong or was already used') {
    super('invalid_credentials', message);
  }
}

export class WrongPasswordError extends AppError {
  constructor() {
    super('invalid_credentials', 'The password is wrong');
  }
}

/** POST /me/mfa/totp/confirm with a code that is not the pending secret's. */
export class WrongConfirmationCodeError extends AppError {
  constructor() {
    super('invalid_request', 'The code does not match the pending authenticator', {
      fields: [{ field: 'code', message: 'code is not the current code of the pending authenticator' }],
    });
  }
}

/** POST /login/mfa with none, or more than one, of code, recovery_code and passkey. */
export class OneSecondFactorError extends AppError {
  constructor() {
    super('invalid_request', 'Request body is invalid', {
      fields: [{ field: 'code', message: 'give exactly one of code, recovery_code or passkey' }],
    });
  }
}

export class TotpAlreadyEnabledError extends AppError {
  constructor() {
    super('conflict', 'TOTP is already on: turn it off first to enrol another authenticator');
  }
}

export class NoPendingEnrolmentError extends AppError {
  constructor() {
    super('conflict', 'No TOTP enrolment is pending: start one with POST /api/v1/me/mfa/totp');
  }
}

export class TotpNotEnabledError extends AppError {
  constructor() {
    super('conflict', 'TOTP is not on for this account');
  }
}

/** A passkey answer to an mfa_token whose passkey options were never asked for. */
export class NoPasskeyOptionsError extends AppError {
  constructor() {
    super('invalid_request', 'Ask for the passkey options first (POST /api/v1/login/mfa/passkey-options)', {
      fields: [{ field: 'passkey', message: 'no passkey options were issued for this mfa_token' }],
    });
  }
}

/** A passkey as the second factor of an account that has none. */
export class PasskeysUnavailableError extends AppError {
  constructor() {
    super('invalid_request', 'This account has no passkey to use as a second factor', {
      fields: [{ field: 'passkey', message: 'no passkey is available for this account' }],
    });
  }
}
