import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { EmailTokensRepository } from './email-tokens.repository';
import { EmailTokensService } from './email-tokens.service';
import { JwksController } from './jwks.controller';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { LocalStrategy } from './local.strategy';
import { ProfilesRepository } from './profiles.repository';
import { SessionsRepository } from './sessions.repository';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, OrganizationsModule, MailModule, RateLimitModule],
  controllers: [AuthController, AccountController, MeController, JwksController],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    AuthService,
    MeService,
    LocalStrategy,
    TokensService,
    SigningKeysService,
    SigningKeysRepository,
    SessionsRepository,
    AccountService,
    EmailTokensService,
    EmailTokensRepository,
    ProfilesRepository,
  ],
  exports: [AuthService],
})
export class AuthModule {}
