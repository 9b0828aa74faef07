import { integerIn, setting, SettingRefused, SettingsTable } from './setting';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The HTTP server: where it listens, what it accepts, whom it believes. */
export class ServerSettings {
  declare readonly nodeEnv: NodeEnv;
  declare readonly port: number;
  declare readonly host: string;
  declare readonly logLevel: LogLevel;
  /** Which proxies to believe in X-Forwarded-For: false, a hop count, or a list of proxy addresses/subnets. */
  declare readonly trustProxy: false | number | string[];
  /** Largest request body, in bytes. */
  declare readonly bodyLimit: number;
  /** Origins allowed by CORS; empty = no cross-origin browser access. */
  declare readonly corsOrigins: string[];
  /** A request still unanswered after this many ms gets 503. */
  declare readonly requestTimeoutMs: number;
  /**
   * On SIGTERM, how long /readyz answers 503 while requests are still served, before the server
   * stops accepting connections: the load balancer's time to take the replica out of rotation.
   */
  declare readonly shutdownDelayMs: number;
  /** The service's name as people see it: the issuer an authenticator app shows. */
  declare readonly name: string;
}

/** SHUTDOWN_DELAY_MS when unset: a load balancer needs the delay, a terminal does not. */
export const defaultShutdownDelayMs = (nodeEnv: NodeEnv): number => (nodeEnv === 'production' ? 5000 : 0);

export const SERVER_SETTINGS: SettingsTable<ServerSettings> = {
  nodeEnv: setting.oneOf<NodeEnv>(
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
    'development, test or production; production refuses unsafe set-ups (docs/configuration.md)',
  ),
  name: setting.text(
    'SERVICE_NAME',
    'Identity',
    "The service's name as people see it: the issuer authenticator apps show beside a TOTP code",
  ),
  port: setting.integer('PORT', 8080, 'HTTP port', { min: 0, max: 65535 }),
  host: setting.text('HOST', '0.0.0.0', 'Interface to listen on'),
  logLevel: setting.oneOf<LogLevel>(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    'info',
    'Log level of the JSON log on stdout',
  ),
  trustProxy: {
    env: 'TRUST_PROXY',
    fallback: 'false',
    doc: 'When to believe X-Forwarded-For: proxy addresses or subnets (10.0.0.0/8,loopback), or a hop count',
    parse: parseTrustProxy,
  },
  bodyLimit: setting.bytes('BODY_LIMIT', '100kb', 'Largest JSON body; larger answers 413'),
  corsOrigins: setting.list(
    'CORS_ORIGINS',
    'Origins allowed to call the API from a browser (https://app.example.com)',
    (origin) => {
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw new SettingRefused(`must list origins like https://app.example.com (got ${origin})`);
      return origin;
    },
  ),
  requestTimeoutMs: setting.integer('REQUEST_TIMEOUT_MS', 30_000, 'A request still unanswered after this answers 503', {
    min: 1000,
    max: 600_000,
  }),
  shutdownDelayMs: {
    env: 'SHUTDOWN_DELAY_MS',
    // Computed from NODE_ENV in loadSettings (defaultShutdownDelayMs).
    fallback: undefined,
    fallbackDoc: '5000 in production, else 0',
    doc: 'On SIGTERM, how long /readyz answers 503 while requests are still served, before the service stops accepting connections',
    parse: (value) => integerIn(value, { min: 0, max: 120_000 }),
  },
};

const PROXY_ENTRY = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;

/**
 * Unset/false = never (the peer address is the client), a number = that many proxy hops,
 * otherwise a comma-separated list of proxy addresses or subnets (proxy-addr names allowed).
 */
function parseTrustProxy(value: string): false | number | string[] {
  if (value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value.toLowerCase() === 'true') {
    throw new SettingRefused('must not be true: that would believe any X-Forwarded-For; give the proxy addresses or a hop count');
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !PROXY_ENTRY.test(entry));
  if (entries.length === 0 || bad.length > 0) {
    throw new SettingRefused(`has entries that are not addresses or subnets: ${bad.join(', ')}`);
  }
  return entries;
}
