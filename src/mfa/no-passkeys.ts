import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

import { PasskeysUnavailableError } from './mfa.errors';
import { PasskeySecondFactor } from './passkey-second-factor';

/** The passkey seam while no passkey feature is bound: nobody has a passkey, and none is accepted. */
@Injectable()
export class NoPasskeys extends PasskeySecondFactor {
  count(): Promise<number> {
    return Promise.resolve(0);
  }

  options(): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }> {
    return Promise.reject(new PasskeysUnavailableError());
  }

  verify(): Promise<boolean> {
    return Promise.reject(new PasskeysUnavailableError());
  }
}
