import { Module } from '@nestjs/common';

import { EventsModule } from '../events/events.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { RefreshTokenReuse } from './refresh-token-reuse';
import { RefreshTokenRotationService } from './refresh-token-rotation.service';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** The sessions table: sign-in opens one, refresh and switch rotate its token, logout ends it. */
@Module({
  imports: [TokensModule, UsersModule, EventsModule, RateLimitModule],
  controllers: [SessionsController],
  providers: [SessionsService, SessionsRepository, RefreshTokenRotationService, RefreshTokenReuse],
  exports: [SessionsService],
})
export class SessionsModule {}
