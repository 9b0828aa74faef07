import { Module } from '@nestjs/common';

import { EventsModule } from '../events/events.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { PasskeyAssertions } from './passkey-assertions';
import { PasskeyFreshSignIn } from './passkey-fresh-sign-in';
import { PasskeyLoginController } from './passkey-login.controller';
import { PasskeySignInService } from './passkey-sign-in.service';
import { PasskeysController } from './passkeys.controller';
import { PasskeysRepository } from './passkeys.repository';
import { PasskeysService } from './passkeys.service';
import { WebauthnChallengesRepository } from './webauthn-challenges.repository';
import { WebauthnChallenges } from './webauthn-challenges.service';
import { WebauthnRelyingParty } from './webauthn-relying-party';

/**
 * Passkeys (WebAuthn): registration, list and deletion under /me/passkeys, passwordless sign-in
 * under /login/passkey, and PasskeyAssertions, the passkey as a second factor, for the MFA
 * login step (bound to PasskeySecondFactor there). PasskeysService is exported for the account
 * export, WebauthnChallenges for the retention sweep.
 */
@Module({
  imports: [EventsModule, UsersModule, SessionsModule, RateLimitModule],
  controllers: [PasskeysController, PasskeyLoginController],
  providers: [
    PasskeysRepository,
    WebauthnChallengesRepository,
    WebauthnChallenges,
    WebauthnRelyingParty,
    PasskeyFreshSignIn,
    PasskeyAssertions,
    PasskeysService,
    PasskeySignInService,
  ],
  exports: [PasskeyAssertions, PasskeysService, WebauthnChallenges],
})
export class PasskeysModule {}
