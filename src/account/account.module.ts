import { Module } from '@nestjs/common';

import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { EmailTokensRepository } from './email-tokens.repository';
import { EmailTokensService } from './email-tokens.service';
import { EmailVerificationService } from './email-verification.service';
import { ForgotPasswordService } from './forgot-password.service';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { PasswordsService } from './passwords.service';
import { RegistrationService } from './registration.service';

/** The caller's own account: registration, GET/PATCH /me, email verification, passwords. */
@Module({
  imports: [UsersModule, OrganizationsModule, SessionsModule, MailModule, RateLimitModule],
  controllers: [AccountController, MeController],
  providers: [
    RegistrationService,
    EmailVerificationService,
    ForgotPasswordService,
    PasswordsService,
    MeService,
    EmailTokensService,
    EmailTokensRepository,
  ],
  exports: [EmailTokensService],
})
export class AccountModule {}
