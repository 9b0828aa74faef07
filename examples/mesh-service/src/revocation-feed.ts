import { ConsumerMessages, DeliverPolicy, jetstream, JetStreamApiError, jetstreamManager, StreamInfo } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import { MeshConfig } from './config';
import { MESH_CONFIG } from './mesh.tokens';
import { IdentityEvent, RevocationSet, REVOKING_EVENTS } from './revocations';

const STREAM = 'IDENTITY';
const CATCH_UP_TIMEOUT_MS = 30_000;
const REVOKING = new Set<string>(REVOKING_EVENTS);

/**
 * Keeps the RevocationSet current from the identity service's event stream: an ordered consumer
 * of the IDENTITY stream (nothing to create or clean up on the server; it resumes by itself after
 * a reconnect) that starts an access-token lifetime ago, so a restart relearns every revocation
 * that still matters. The service starts answering only once it has caught up.
 */
@Injectable()
export class RevocationFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationFeed.name);
  private connection: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private reading: Promise<void> | undefined;
  private pruning: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MESH_CONFIG) private readonly config: MeshConfig,
    private readonly revocations: RevocationSet,
  ) {}

  async onModuleInit(): Promise<void> {
    const connection = await connect({ servers: this.config.natsServers, maxReconnectAttempts: -1, name: 'mesh-service' });
    this.connection = connection;
    const since = new Date(Date.now() - this.config.accessTokenTtlSeconds * 1000);
    const { state } = await this.streamInfo(connection);
    // Single filter subject: NATS servers before 2.10 take no list. Newer ones could list just
    // the revoking types (filter_subjects) and skip the rest on the server.
    const consumer = await jetstream(connection).consumers.get(STREAM, {
      filter_subjects: 'identity.>',
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
    });
    this.messages = await consumer.consume();
    const nothingToReplay = state.messages === 0 || Date.parse(state.last_ts) < since.getTime();
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (nothingToReplay) caughtUp();
    this.reading = this.read(this.messages, state.last_seq, caughtUp);
    await withTimeout(ready, CATCH_UP_TIMEOUT_MS, 'the revocation feed did not catch up with the event stream');
    this.pruning = setInterval(() => this.revocations.prune(), 60_000);
    this.pruning.unref();
    this.logger.log(`revocation feed live (${this.revocations.size} revocations)`);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.pruning);
    this.messages?.stop();
    await this.reading;
    await this.connection?.close();
  }

  /** The identity service creates the stream when it first connects: wait for it. */
  private async streamInfo(connection: NatsConnection): Promise<StreamInfo> {
    const manager = await jetstreamManager(connection);
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      try {
        return await manager.streams.info(STREAM);
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || Date.now() > deadline) throw error;
        this.logger.warn(`waiting for the ${STREAM} stream of the identity service`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async read(messages: ConsumerMessages, replayUpTo: number, caughtUp: () => void): Promise<void> {
    for await (const message of messages) {
      try {
        const event = message.json<IdentityEvent>();
        // Only this identity service's events: others may publish to the same NATS.
        if (event.source === this.config.issuer && REVOKING.has(event.type)) this.revocations.apply(event);
      } catch {
        this.logger.warn(`skipped a message that is not an event (${message.subject})`);
      }
      if (message.seq >= replayUpTo) caughtUp();
    }
  }
}

function withTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
