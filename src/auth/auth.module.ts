import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';

import { MfaModule } from '../mfa/mfa.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerAuthService } from './bearer-auth.service';
import { CredentialsService } from './credentials.service';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';
import { IntrospectionController } from './introspection.controller';
import { IntrospectionService } from './introspection.service';
import { IntrospectionClientGuard } from './introspection-client.guard';
import { LocalStrategy } from './local.strategy';
import { LoginController } from './login.controller';
import { SignInService } from './sign-in.service';

/**
 * Sign-in (passport-local under the login throttle), the bearer guard in front of every route, and
 * the same check offered to others: gateway verification and token introspection.
 */
@Module({
  imports: [PassportModule, TokensModule, SessionsModule, UsersModule, RateLimitModule, MfaModule],
  controllers: [LoginController, GatewayController, IntrospectionController],
  providers: [
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    BearerAuthService,
    CredentialsService,
    LocalStrategy,
    SignInService,
    GatewayService,
    IntrospectionService,
    IntrospectionClientGuard,
  ],
})
export class AuthModule {}
