import { randomUUID } from 'node:crypto';

import { ConsumerMessages, DeliverPolicy, jetstream, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';

/** The machine's NATS server with JetStream, shared by every test run on this machine. */
export const MACHINE_NATS_URL = 'nats://127.0.0.1:4222';

export interface CloudEventJson {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: string;
  data: Record<string, any>;
}

export interface ReceivedEvent {
  /** The NATS subject it was published on. */
  natsSubject: string;
  msgId: string | undefined;
  contentType: string | undefined;
  event: CloudEventJson;
}

/**
 * Reads the IDENTITY stream with an ordered consumer from a start time, keeping only the events
 * whose CloudEvents `source` is `source`. Runs that share a NATS server (two CI runs, the
 * PostgreSQL and embedded runs, every test file) each give their app a JWT_ISSUER of their own,
 * which is the events' source, so each sees only its own events, in stream order.
 */
export class EventStream {
  readonly received: ReceivedEvent[] = [];
  private messages: ConsumerMessages | undefined;
  private reading: Promise<void> | undefined;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly source: string,
  ) {}

  /**
   * `createStream`: create IDENTITY if missing (as the service would) so the consumer can start
   * before the first event; otherwise wait until the service has created it.
   */
  static async open(
    url: string,
    source: string,
    { createStream = true, since = new Date(Date.now() - 2000) }: { createStream?: boolean; since?: Date } = {},
  ): Promise<EventStream> {
    const connection = await connect({ servers: url });
    const manager = await jetstreamManager(connection);
    if (createStream) await manager.streams.add({ name: 'IDENTITY', subjects: ['identity.>'] }).catch(() => undefined);
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await manager.streams.info('IDENTITY');
        break;
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const stream = new EventStream(connection, source);
    const consumer = await jetstream(connection).consumers.get('IDENTITY', {
      filter_subjects: 'identity.>',
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
    });
    stream.messages = await consumer.consume();
    stream.reading = stream.read(stream.messages);
    return stream;
  }

  /** This run's events of the given types (all of them without types), in stream order. */
  ofTypes(...types: string[]): CloudEventJson[] {
    return this.received.map((received) => received.event).filter((event) => types.length === 0 || types.includes(event.type));
  }

  /** Waits until `check` holds for what was received; fails with what was received after `timeoutMs`. */
  async waitUntil(check: (events: CloudEventJson[]) => boolean, timeoutMs = 10_000): Promise<CloudEventJson[]> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.ofTypes())) {
      if (Date.now() > deadline) {
        throw new Error(
          `events not as expected after ${timeoutMs} ms; received:\n${this.ofTypes()
            .map((e) => e.type)
            .join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.ofTypes();
  }

  /** Waits for an event of `type` about `subject` (the id of the thing changed). */
  async waitFor(type: string, subject?: string, timeoutMs = 10_000): Promise<CloudEventJson> {
    const matches = (event: CloudEventJson) => event.type === type && (subject === undefined || event.subject === subject);
    await this.waitUntil((events) => events.some(matches), timeoutMs);
    return this.ofTypes().find(matches) as CloudEventJson;
  }

  async close(): Promise<void> {
    this.messages?.stop();
    await this.reading;
    await this.connection.close();
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      let event: CloudEventJson;
      try {
        event = message.json<CloudEventJson>();
      } catch {
        continue; // not ours: someone else's message on the shared server
      }
      if (event.source !== this.source) continue;
      this.received.push({
        natsSubject: message.subject,
        msgId: message.headers?.get('Nats-Msg-Id'),
        contentType: message.headers?.get('Content-Type'),
        event,
      });
    }
  }
}

/** A describe's own event source on the machine's NATS server: see useMachineEventStream. */
export interface MachineEventStream {
  /** For useTestApp: the machine's NATS and this describe's JWT_ISSUER (the events' source). */
  env: { NATS_URL: string; JWT_ISSUER: string };
  /** Open from before the app boots until the describe ends. */
  readonly stream: EventStream;
}

/**
 * Inside a describe, before its useTestApp: a stream of only this describe's events. Every run on
 * this machine shares its NATS server, so the app's JWT_ISSUER, the events' source, is its own
 * (`identity-<name>-test-<uuid>`).
 */
export function useMachineEventStream(name: string): MachineEventStream {
  const source = `identity-${name}-test-${randomUUID()}`;
  let opened: EventStream | undefined;
  beforeAll(async () => {
    opened = await EventStream.open(MACHINE_NATS_URL, source);
  });
  afterAll(async () => {
    await opened?.close();
  });
  return {
    env: { NATS_URL: MACHINE_NATS_URL, JWT_ISSUER: source },
    get stream(): EventStream {
      if (!opened) throw new Error('useMachineEventStream: the stream opens in beforeAll');
      return opened;
    },
  };
}
