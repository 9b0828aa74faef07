import { Module } from '@nestjs/common';

import { AccountModule } from '../account/account.module';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { MfaModule } from '../mfa/mfa.module';
import { PasskeysModule } from '../mfa/passkeys.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RetentionLock } from './retention-lock.repository';
import { RetentionSweeper } from './retention-sweeper';
import { RetentionTargets } from './retention-targets';
import { SignInChallengeTargets } from './sign-in-challenge-targets';

/**
 * The retention sweep: finished rows (ended sessions, used email tokens and passkey challenges, sent emails, published
 * events, finished invitations, old audit events) are deleted by the modules that own their
 * tables, on a schedule, one replica at a time.
 */
@Module({
  imports: [SessionsModule, AccountModule, MailModule, EventsModule, OrganizationsModule, MfaModule, PasskeysModule],
  providers: [RetentionLock, SignInChallengeTargets, RetentionTargets, RetentionSweeper],
  exports: [RetentionSweeper],
})
export class RetentionModule {}
