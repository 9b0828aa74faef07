import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { AccessGuard } from './access.guard';
import { AccessTokens } from './access-tokens';
import { MeshConfig } from './config';
import { FlagsController } from './flags.controller';
import { MESH_CONFIG } from './mesh.tokens';
import { RevocationFeed } from './revocation-feed';
import { RevocationSet } from './revocations';

@Module({})
export class MeshModule {
  static forRoot(config: MeshConfig): DynamicModule {
    return {
      module: MeshModule,
      controllers: [FlagsController],
      providers: [
        { provide: MESH_CONFIG, useValue: config },
        { provide: RevocationSet, useValue: new RevocationSet(config.accessTokenTtlSeconds * 1000) },
        AccessTokens,
        RevocationFeed,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
