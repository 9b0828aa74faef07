import { randomUUID } from 'node:crypto';

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { EventSettings } from '../config/events.settings';
import { TokenSettings } from '../config/tokens.settings';
import { TransactionHost } from '../database/transaction-host';
import { MetricsService } from '../metrics/metrics.service';
import { toCloudEvent } from './cloud-event';
import { EventsRepository, PendingEvent } from './events.repository';
import { NatsLink } from './nats-link';

const BATCH = 100;
// Longer than a batch can take: a publish that gets no acknowledgement gives up after 5 s, and
// a batch stops claiming time well before the lease ends (see publishBatch).
const LEASE_SECONDS = 60;
const LEASE_MARGIN_MS = 15_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Publishes the event outbox to NATS JetStream, at least once and in order: one batch at a time
 * across all replicas (EventsRepository.claimNext), each event acknowledged by JetStream before
 * the next is sent. A failure stops the batch; the rest is given back and retried, first event
 * first, with a growing pause. Woken right after a commit that wrote events, and every
 * EVENTS_POLL_INTERVAL_MS for other replicas' events and retries.
 */
@Injectable()
export class EventPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workerId = randomUUID();
  private readonly link: NatsLink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private wokenMeanwhile = false;
  private stopped = false;
  private failures = 0;
  private pausedUntil = 0;

  constructor(
    private readonly settings: EventSettings,
    private readonly tokens: TokenSettings,
    private readonly tx: TransactionHost,
    private readonly events: EventsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    const servers = settings.natsServers;
    this.link = servers ? new NatsLink(servers, logger) : undefined;
    metrics.outboxBacklog('event', () => (this.link ? this.events.countUnpublished() : Promise.resolve(0)));
  }

  onApplicationBootstrap(): void {
    if (!this.link) return;
    this.timer = setInterval(() => this.wake(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
    await this.link?.close();
  }

  /** Starts a pass now, or right after the one running (which may have missed what woke us). */
  wake(): void {
    if (!this.link || this.stopped) return;
    if (this.current) {
      this.wokenMeanwhile = true;
      return;
    }
    this.current = this.publishDue().finally(() => {
      this.current = undefined;
      if (this.wokenMeanwhile) {
        this.wokenMeanwhile = false;
        this.wake();
      }
    });
  }

  private async publishDue(): Promise<void> {
    const link = this.link;
    if (!link || Date.now() < this.pausedUntil) return;
    try {
      // Connected even with nothing to publish: the stream exists from the start, and an
      // unreachable NATS shows in the log before events pile up.
      await link.connect();
      for (;;) {
        const batch = await this.tx.run(() => this.events.claimNext(this.workerId, BATCH, LEASE_SECONDS));
        if (batch.length === 0) break;
        await this.publishBatch(link, batch, Date.now());
        if (batch.length < BATCH || this.stopped) break;
      }
      if (this.failures > 0) this.logger.info({ after_failures: this.failures }, 'publishing events again');
      this.failures = 0;
    } catch (error) {
      this.failures++;
      const pause = Math.min(250 * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      this.pausedUntil = Date.now() + pause;
      // Once per outage, then every 20th failure: NATS down must not flood the log.
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(
          { reason: error instanceof Error ? error.message : String(error), failures: this.failures, retry_in_ms: pause },
          'cannot publish events to NATS: they wait in the outbox',
        );
      }
    }
  }

  /** Publishes in order; what was acknowledged is marked published, the rest given back. */
  private async publishBatch(link: NatsLink, batch: PendingEvent[], claimedAt: number): Promise<void> {
    const published: string[] = [];
    let failure: { id: string; error: unknown } | undefined;
    for (const event of batch) {
      if (this.stopped || Date.now() - claimedAt > LEASE_SECONDS * 1000 - LEASE_MARGIN_MS) break;
      try {
        await link.publish(toCloudEvent(event, this.tokens.issuer));
        published.push(event.id);
      } catch (error) {
        failure = { id: event.id, error };
        break;
      }
    }
    await this.events.markPublished(published);
    const rest = batch.slice(published.length).map((event) => event.id);
    const reason = failure && (failure.error instanceof Error ? failure.error.message : String(failure.error));
    await this.events.release(rest, failure?.id, reason);
    if (failure) throw failure.error;
  }
}
