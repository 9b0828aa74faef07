import { Injectable } from '@nestjs/common';

import type { AppError } from '../common/errors/app-error';
import { WrongSecondFactorError } from './mfa.errors';
import { TotpFactors } from './totp-factors.service';

/**
 * The second factor of an action that asks for the password again (DELETE /me): with TOTP on, the
 * current code of the authenticator app, accepted once like at sign-in. AccountModule binds its
 * SecondFactorCheck to this class.
 */
@Injectable()
export class TotpCodeCheck {
  constructor(private readonly factors: TotpFactors) {}

  /** Null when the action may go on (TOTP off, or the right code); otherwise the error to answer. */
  async verify(userId: string, code: string | undefined): Promise<AppError | null> {
    if (!(await this.factors.isEnabled(userId))) return null;
    if (code === undefined || code === '') return new WrongSecondFactorError('This account has TOTP on: give the current code');
    return (await this.factors.verifyCode(userId, code.trim())) ? null : new WrongSecondFactorError();
  }
}
