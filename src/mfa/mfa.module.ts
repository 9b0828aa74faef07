import { Module } from '@nestjs/common';

import { EventsModule } from '../events/events.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { MfaController } from './mfa.controller';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { MfaLoginController } from './mfa-login.controller';
import { MfaLoginService } from './mfa-login.service';
import { MfaPasswordCheck } from './mfa-password-check';
import { MfaStatusService } from './mfa-status.service';
import { PasskeyAssertions } from './passkey-assertions';
import { PasskeySecondFactor } from './passkey-second-factor';
import { PasskeysModule } from './passkeys.module';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { TotpCodeCheck } from './totp-code-check';
import { TotpEnrolmentService } from './totp-enrolment.service';
import { TotpFactorsRepository } from './totp-factors.repository';
import { TotpFactors } from './totp-factors.service';

/**
 * Multi-factor sign-in: the caller's TOTP (enrolment, recovery codes, turning it off) and the
 * second step of a password sign-in (mfa_token → POST /login/mfa). Auth asks it after the
 * password, account shows the factors and asks the code before a deletion, retention sweeps
 * finished challenges.
 */
@Module({
  imports: [UsersModule, SessionsModule, RateLimitModule, EventsModule, PasskeysModule],
  controllers: [MfaController, MfaLoginController],
  providers: [
    TotpFactorsRepository,
    RecoveryCodesRepository,
    MfaChallengesRepository,
    TotpFactors,
    MfaPasswordCheck,
    TotpEnrolmentService,
    MfaLoginService,
    TotpCodeCheck,
    MfaStatusService,
    // A passkey as the second factor: the passkeys feature checks it, this step only asks.
    { provide: PasskeySecondFactor, useExisting: PasskeyAssertions },
  ],
  exports: [MfaLoginService, TotpCodeCheck, MfaStatusService],
})
export class MfaModule {}
