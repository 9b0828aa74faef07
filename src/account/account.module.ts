import { Module } from '@nestjs/common';

import { MailModule } from '../mail/mail.module';
import { MfaModule } from '../mfa/mfa.module';
import { PasskeysModule } from '../mfa/passkeys.module';
import { TotpCodeCheck } from '../mfa/totp-code-check';
import { OrganizationsModule } from '../organizations/organizations.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AccountDeletionService } from './account-deletion.service';
import { AccountExportService } from './account-export.service';
import { EmailTokensRepository } from './email-tokens.repository';
import { EmailTokensService } from './email-tokens.service';
import { EmailVerificationService } from './email-verification.service';
import { ForgotPasswordService } from './forgot-password.service';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { PasswordConfirmation } from './password-confirmation';
import { PasswordsService } from './passwords.service';
import { RegistrationService } from './registration.service';
import { SecondFactorCheck } from './second-factor';

/** The caller's own account: registration, /me (export and deletion too), email verification, passwords. */
@Module({
  imports: [UsersModule, OrganizationsModule, SessionsModule, MailModule, RateLimitModule, MfaModule, PasskeysModule],
  controllers: [AccountController, MeController],
  providers: [
    RegistrationService,
    EmailVerificationService,
    ForgotPasswordService,
    PasswordsService,
    MeService,
    EmailTokensService,
    EmailTokensRepository,
    PasswordConfirmation,
    // The second factor of DELETE /me: the TOTP code, when the account has TOTP on.
    { provide: SecondFactorCheck, useExisting: TotpCodeCheck },
    AccountDeletionService,
    AccountExportService,
  ],
  exports: [EmailTokensService],
})
export class AccountModule {}
