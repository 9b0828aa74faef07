import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwksController } from './jwks.controller';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { LocalStrategy } from './local.strategy';
import { PasswordHasher } from './password-hasher';
import { ProfilesRepository } from './profiles.repository';
import { SessionsRepository } from './sessions.repository';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, OrganizationsModule],
  controllers: [AuthController, MeController, JwksController],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    AuthService,
    MeService,
    LocalStrategy,
    PasswordHasher,
    TokensService,
    SigningKeysService,
    SigningKeysRepository,
    SessionsRepository,
    ProfilesRepository,
  ],
  exports: [AuthService],
})
export class AuthModule {}
