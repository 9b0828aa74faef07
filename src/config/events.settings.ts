import { integerIn, setting, SettingRefused, SettingsTable, urlWithScheme } from './setting';

/** Where change events go: NATS JetStream, fed by the event outbox. */
export class EventSettings {
  /** NATS servers (nats:// or tls:// URLs); undefined: no event is written or published. */
  declare readonly natsServers: string[] | undefined;
  /** How often each replica looks for events to publish (besides right after its own commits). */
  declare readonly pollIntervalMs: number;
}

export const EVENT_SETTINGS: SettingsTable<EventSettings> = {
  natsServers: setting.optional({
    env: 'NATS_URL',
    doc: 'nats://host:4222 (comma-separated for a cluster; nats://user:pass@… or tls://…): changes are published to JetStream (stream IDENTITY). Unset: no events',
    parse: (value) => {
      const servers = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      if (servers.length === 0) throw new SettingRefused('must list at least one nats:// URL');
      return servers.map((server) => urlWithScheme(server, ['nats', 'tls']));
    },
  }),
  pollIntervalMs: {
    env: 'EVENTS_POLL_INTERVAL_MS',
    fallback: '250',
    doc: 'How often each replica looks for events to publish; its own changes are published at once',
    parse: (value) => integerIn(value, { min: 10, max: 60_000 }),
  },
};
