import { Injectable } from '@nestjs/common';

import { RetentionSettings } from '../config/retention.settings';
import { MFA_CHALLENGE_RETENTION_SECONDS, MfaLoginService } from '../mfa/mfa-login.service';
import { WebauthnChallenges } from '../mfa/webauthn-challenges.service';
import type { RetentionTarget } from './retention-targets';

/** The finished challenges of sign-in steps: the MFA step's mfa_tokens and passkey ceremonies'. */
@Injectable()
export class SignInChallengeTargets {
  readonly all: readonly RetentionTarget[];

  constructor(settings: RetentionSettings, mfaLogins: MfaLoginService, webauthnChallenges: WebauthnChallenges) {
    this.all = [
      // The second step of a sign-in: a hash and times, of no use once finished; a fixed day, no setting.
      {
        kind: 'mfa_challenge',
        ageSeconds: MFA_CHALLENGE_RETENTION_SECONDS,
        deleteBatch: (age, n) => mfaLogins.deleteFinishedBefore(age, n),
      },
      // Passkey ceremony challenges: single-use tokens like email tokens, kept as long.
      {
        kind: 'webauthn_challenge',
        ageSeconds: settings.emailTokenSeconds,
        deleteBatch: (age, n) => webauthnChallenges.deleteFinishedBefore(age, n),
      },
    ];
  }
}
