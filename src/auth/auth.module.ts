import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';

import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerAuthService } from './bearer-auth.service';
import { CredentialsService } from './credentials.service';
import { LocalStrategy } from './local.strategy';
import { LoginController } from './login.controller';

/** Sign-in (passport-local under the login throttle) and the bearer guard in front of every route. */
@Module({
  imports: [PassportModule, TokensModule, SessionsModule, UsersModule, RateLimitModule],
  controllers: [LoginController],
  providers: [{ provide: APP_GUARD, useClass: BearerAuthGuard }, BearerAuthService, CredentialsService, LocalStrategy],
})
export class AuthModule {}
