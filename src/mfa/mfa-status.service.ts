import { Injectable } from '@nestjs/common';

import { PasskeySecondFactor } from './passkey-second-factor';
import { TotpFactors, TotpStatus } from './totp-factors.service';

export interface MfaSummary {
  totp: boolean;
  passkeys: number;
}

/** What other modules show of a user's factors: GET /me and the account export. Never a secret or a hash. */
@Injectable()
export class MfaStatusService {
  constructor(
    private readonly totp: TotpFactors,
    private readonly passkeys: PasskeySecondFactor,
  ) {}

  async summaryOf(userId: string): Promise<MfaSummary> {
    return { totp: await this.totp.isEnabled(userId), passkeys: await this.passkeys.count(userId) };
  }

  /** The TOTP factor as the export shows it (null: never enrolled). */
  totpStatusOf(userId: string): Promise<TotpStatus | null> {
    return this.totp.status(userId);
  }
}
