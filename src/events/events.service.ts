import { Injectable } from '@nestjs/common';

import { EventSettings } from '../config/events.settings';
import { TransactionHost } from '../database/transaction-host';
import type { EventType } from './cloud-event';
import { EventPublisher } from './event-publisher';
import { EventsRepository } from './events.repository';

/** An event's data: what the contract lists for its type, never a password, hash or token. */
export type EventData = Record<string, unknown>;

/**
 * Writes change events into the event outbox. Called inside a use case's transaction, an event
 * is committed with the change it announces (or not at all); the publisher sends it to NATS
 * after the commit. Without NATS_URL nothing is written (and `data` is never computed).
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly settings: EventSettings,
    private readonly tx: TransactionHost,
    private readonly events: EventsRepository,
    private readonly publisher: EventPublisher,
  ) {}

  get enabled(): boolean {
    return this.settings.natsServers !== undefined;
  }

  /**
   * Records that `subject` (the id of the thing changed) changed. `data` may be a function, so
   * a use case reads what only the event needs only when events are on.
   */
  async emit(type: EventType, subject: string, data: EventData | (() => Promise<EventData>)): Promise<void> {
    if (!this.enabled) return;
    await this.events.insert({ type, subject, data: typeof data === 'function' ? await data() : data });
    this.tx.afterCommit(() => this.publisher.wake());
  }

  /** One batch of the retention sweep (OUTBOX_RETENTION): events published more than `ageSeconds` ago. */
  deletePublishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.events.deletePublishedBefore(ageSeconds, limit);
  }
}
