import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';

import { AccountModule } from './account/account.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { PublicUrlModule } from './common/http/public-url';
import { RequestValidationPipe } from './common/http/validation';
import { LoggerModule } from './common/logging/logger.module';
import { Settings } from './config/settings';
import { SettingsModule } from './config/settings.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { MfaModule } from './mfa/mfa.module';
import { PasskeysModule } from './mfa/passkeys.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PagesModule } from './pages/pages.module';
import { RetentionModule } from './retention/retention.module';
import { DataCipher } from './secrets/data-cipher';
import { SecretsModule } from './secrets/secrets.module';
import { SessionsModule } from './sessions/sessions.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

export interface AppDependencies {
  settings: Settings;
  dataSource: DataSource;
  logger: Logger;
  cipher: DataCipher;
}

/** The composition root: settings, database, data key and logger from bootstrap, then every feature. */
@Module({})
export class AppModule {
  static forRoot({ settings, dataSource, logger, cipher }: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggerModule.forRoot(logger),
        DatabaseModule.forRoot(dataSource),
        SecretsModule.forRoot(cipher),
        PublicUrlModule,
        MetricsModule,
        AuditModule,
        HealthModule,
        MailModule,
        EventsModule,
        UsersModule,
        OrganizationsModule,
        TokensModule,
        SessionsModule,
        MfaModule,
        AuthModule,
        AccountModule,
        PasskeysModule,
        RetentionModule,
        ...(settings.pages.hosted ? [PagesModule] : []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
      ],
    };
  }
}
