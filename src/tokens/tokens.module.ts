import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';

import { JwksController } from './jwks.controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { TokensService } from './tokens.service';

/** Signing keys (generated, stored, rotated), the JWKS, and the signing and checking of tokens. */
@Module({
  imports: [JwtModule.register({})],
  controllers: [JwksController],
  providers: [TokensService, SigningKeysService, SigningKeysRepository],
  exports: [TokensService],
})
export class TokensModule {}
