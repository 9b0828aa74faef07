import { AppError } from '../common/errors/app-error';

/** Adding or removing a passkey with a session signed in too long ago: sign in again first. */
export class FreshSignInRequiredError extends AppError {
  constructor(freshSignInSeconds: number) {
    super(
      'sign_in_required',
      `Sign in again to change your passkeys: this session was opened more than ${freshSignInSeconds} seconds ago`,
      { fresh_sign_in_seconds: freshSignInSeconds },
    );
  }
}

/** A registration the service cannot accept: no live challenge of the caller's, or an attestation that does not verify. */
export class PasskeyRejectedError extends AppError {
  constructor(message: string) {
    super('invalid_request', message, { fields: [{ field: 'credential', message }] });
  }
}

export class PasskeyRegisteredAlreadyError extends AppError {
  constructor() {
    super('conflict', 'This passkey is registered already');
  }
}

export class PasskeyLimitError extends AppError {
  constructor(max: number) {
    super('conflict', `An account has at most ${max} passkeys: delete one first`);
  }
}

export class PasskeyNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Passkey not found');
  }
}

/**
 * A passwordless sign-in refused: the challenge token is unknown, used or expired, or the
 * assertion does not verify (unknown passkey, signature, origin, RP id, no user verification, a
 * sign counter that did not grow). One code for all, like a wrong password.
 */
export class PasskeySignInRefusedError extends AppError {
  constructor(message = 'The passkey was not accepted') {
    super('invalid_credentials', message);
  }
}

/** REQUIRE_VERIFIED_EMAIL=true and the passkey's account is not verified (as for a password sign-in). */
export class PasskeyEmailNotVerifiedError extends AppError {
  constructor() {
    super('email_not_verified', 'Verify your email address before signing in');
  }
}
