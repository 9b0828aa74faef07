import { Injectable } from '@nestjs/common';

import { AppError } from '../common/errors/app-error';

/**
 * The second factor of an action that asks for the password again (DELETE /me): the `code` of
 * an account with TOTP on. Checked inside the login throttle's attempt, after the password, so a
 * wrong code counts as a failure like a wrong password.
 *
 * The seam for the MFA module (issue 16): it provides an implementation that answers an error
 * (a missing or wrong code) when the account has TOTP on, and AccountModule binds
 * SecondFactorCheck to it instead of NoSecondFactor.
 */
export abstract class SecondFactorCheck {
  /** Null when the action may go on; otherwise the error to answer. */
  abstract verify(userId: string, code: string | undefined): Promise<AppError | null>;
}

/** No account has a second factor: every action goes on. */
@Injectable()
export class NoSecondFactor extends SecondFactorCheck {
  verify(): Promise<AppError | null> {
    return Promise.resolve(null);
  }
}
