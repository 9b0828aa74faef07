import { jetstream, JetStreamApiCodes, JetStreamApiError, JetStreamClient, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { Logger } from 'pino';

import { CloudEvent, EVENT_STREAM, EVENT_SUBJECTS } from './cloud-event';

// A publish waits this long for JetStream's acknowledgement; connecting, the same.
const TIMEOUT_MS = 5000;

/**
 * The connection to NATS (it reconnects by itself once made) and the stream the events go to,
 * created when missing. A publish waits for JetStream's acknowledgement, carries the event id as
 * Nats-Msg-Id (JetStream drops a second copy within its duplicate window) and expects the
 * IDENTITY stream to capture it.
 */
export class NatsLink {
  private connection: NatsConnection | undefined;
  private client: JetStreamClient | undefined;
  private streamReady = false;

  constructor(
    private readonly servers: string[],
    private readonly logger: Logger,
  ) {}

  /** Connected, with the stream in place; throws while NATS cannot be reached. */
  async connect(): Promise<void> {
    await this.ready();
  }

  async publish(event: CloudEvent): Promise<void> {
    const client = await this.ready();
    const eventHeaders = headers();
    eventHeaders.set('Content-Type', 'application/cloudevents+json');
    try {
      await client.publish(event.type, JSON.stringify(event), {
        msgID: event.id,
        headers: eventHeaders,
        timeout: TIMEOUT_MS,
        expect: { streamName: EVENT_STREAM },
      });
    } catch (error) {
      // The server may have come back without the stream (a new, empty server): check it again.
      this.streamReady = false;
      throw error;
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }

  /** Connected, with the stream in place; throws while NATS cannot be reached. */
  private async ready(): Promise<JetStreamClient> {
    if (this.connection?.isClosed()) this.connection = undefined;
    if (!this.connection) {
      this.connection = await connect({
        servers: this.servers,
        name: 'identity-service',
        timeout: TIMEOUT_MS,
        // Once connected, keep trying for ever: events wait in the outbox meanwhile.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
      this.client = jetstream(this.connection, { timeout: TIMEOUT_MS });
      this.streamReady = false;
      this.logger.info('connected to NATS');
      this.watch(this.connection);
    }
    if (!this.streamReady) {
      await this.ensureStream(this.connection);
      this.streamReady = true;
    }
    return this.client as JetStreamClient;
  }

  /** Creates the stream when it is missing; one that exists is used as it is (its retention is the operator's). */
  private async ensureStream(connection: NatsConnection): Promise<void> {
    const manager = await jetstreamManager(connection, { timeout: TIMEOUT_MS });
    try {
      await manager.streams.info(EVENT_STREAM);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      // Another replica may create it at the same moment: adding an identical stream is a no-op.
      await manager.streams.add({ name: EVENT_STREAM, subjects: [EVENT_SUBJECTS] });
      this.logger.info({ stream: EVENT_STREAM, subjects: EVENT_SUBJECTS }, 'created the JetStream stream for events');
    }
  }

  private watch(connection: NatsConnection): void {
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') this.logger.warn('disconnected from NATS: events wait in the outbox');
        else if (status.type === 'reconnect') this.logger.info('reconnected to NATS');
      }
    })().catch(() => undefined);
  }
}
