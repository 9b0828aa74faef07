import { Module } from '@nestjs/common';

import { EventsModule } from '../events/events.module';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * PasswordHasher is exported beside the service: login (auth) verifies passwords and invitation
 * acceptance (organizations) creates accounts, and both already depend on users, never on each other.
 */
@Module({
  imports: [EventsModule],
  providers: [UsersRepository, UsersService, PasswordHasher],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
