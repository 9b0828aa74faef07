import { AppError } from '../common/errors/app-error';

/**
 * The second factor of an action that asks for the password again (DELETE /me): the `code` of
 * an account with TOTP on. Checked inside the login throttle's attempt, after the password, so a
 * wrong code counts as a failure like a wrong password.
 *
 * AccountModule binds it to the MFA module's TotpCodeCheck, which answers an error (a missing or
 * wrong code) when the account has TOTP on, and null otherwise.
 */
export abstract class SecondFactorCheck {
  /** Null when the action may go on; otherwise the error to answer. */
  abstract verify(userId: string, code: string | undefined): Promise<AppError | null>;
}
