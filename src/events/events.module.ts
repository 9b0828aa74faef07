import { Module } from '@nestjs/common';

import { EventPublisher } from './event-publisher';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

/** The event outbox and its publisher to NATS JetStream; features emit through EventsService. */
@Module({
  providers: [EventsService, EventsRepository, EventPublisher],
  exports: [EventsService],
})
export class EventsModule {}
