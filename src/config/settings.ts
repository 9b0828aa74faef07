import { join } from 'node:path';

import { ACCOUNT_SETTINGS, AccountSettings } from './account.settings';
import { DATABASE_SETTINGS, DatabaseSettings } from './database.settings';
import { EVENT_SETTINGS, EventSettings } from './events.settings';
import { INTROSPECTION_SETTINGS, IntrospectionSettings } from './introspection.settings';
import { LOGIN_SETTINGS, LoginSettings } from './login.settings';
import { MAIL_SETTINGS, MailSettings } from './mail.settings';
import { METRICS_SETTINGS, MetricsSettings } from './metrics.settings';
import { ORGANIZATION_SETTINGS, OrganizationSettings } from './organizations.settings';
import { PAGES_SETTINGS, PagesSettings } from './pages.settings';
import { PASSWORD_SETTINGS, PasswordSettings } from './passwords.settings';
import { IP_LIMIT_SETTINGS, RATE_LIMIT_STORE_SETTINGS, RateLimitSettings } from './rate-limit.settings';
import { RETENTION_SETTINGS, RetentionSettings } from './retention.settings';
import { SECRETS_SETTINGS, SecretsSettings } from './secrets.settings';
import { defaultShutdownDelayMs, SERVER_SETTINGS, ServerSettings } from './server.settings';
import { SESSION_SETTINGS, SessionSettings } from './sessions.settings';
import { Env, readTable, SettingsTable } from './setting';
import { checkTokenKeys, secretWeakness, TOKEN_SETTINGS, TokenSettings } from './tokens.settings';
import { WEBAUTHN_SETTINGS, webauthnRefusals, WebauthnSettings } from './webauthn.settings';

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Every setting of the service, one typed slice per feature; each slice is injectable on its own. */
export interface Settings {
  server: ServerSettings;
  database: DatabaseSettings;
  secrets: SecretsSettings;
  tokens: TokenSettings;
  sessions: SessionSettings;
  passwords: PasswordSettings;
  login: LoginSettings;
  rateLimits: RateLimitSettings;
  mail: MailSettings;
  account: AccountSettings;
  organizations: OrganizationSettings;
  metrics: MetricsSettings;
  events: EventSettings;
  introspection: IntrospectionSettings;
  retention: RetentionSettings;
  pages: PagesSettings;
  webauthn: WebauthnSettings;
}

/** The slices' classes (their injection tokens), by the Settings field that holds them. */
export const SETTINGS_SLICES = {
  server: ServerSettings,
  database: DatabaseSettings,
  secrets: SecretsSettings,
  tokens: TokenSettings,
  sessions: SessionSettings,
  passwords: PasswordSettings,
  login: LoginSettings,
  rateLimits: RateLimitSettings,
  mail: MailSettings,
  account: AccountSettings,
  organizations: OrganizationSettings,
  metrics: MetricsSettings,
  events: EventSettings,
  introspection: IntrospectionSettings,
  retention: RetentionSettings,
  pages: PagesSettings,
  webauthn: WebauthnSettings,
} as const satisfies { [K in keyof Settings]: abstract new () => Settings[K] };

/** Every parser table, in the order `.env.example` and docs/configuration.md list them. */
export const SETTINGS_TABLES: { title: string; table: SettingsTable<unknown> }[] = [
  { title: 'Server', table: SERVER_SETTINGS },
  { title: 'Database', table: DATABASE_SETTINGS },
  { title: 'Stored secrets', table: SECRETS_SETTINGS },
  { title: 'Tokens', table: TOKEN_SETTINGS },
  { title: 'Sessions', table: SESSION_SETTINGS },
  { title: 'Passwords', table: PASSWORD_SETTINGS },
  { title: 'Login', table: LOGIN_SETTINGS },
  { title: 'Rate limits', table: { ...RATE_LIMIT_STORE_SETTINGS, ...IP_LIMIT_SETTINGS } },
  { title: 'Mail', table: MAIL_SETTINGS },
  { title: 'Account', table: ACCOUNT_SETTINGS },
  { title: 'Organizations', table: ORGANIZATION_SETTINGS },
  { title: 'Metrics', table: METRICS_SETTINGS },
  { title: 'Events', table: EVENT_SETTINGS },
  { title: 'Introspection', table: INTROSPECTION_SETTINGS },
  { title: 'Retention', table: RETENTION_SETTINGS },
  { title: 'Pages', table: PAGES_SETTINGS },
  { title: 'Passkeys (WebAuthn)', table: WEBAUTHN_SETTINGS },
] as { title: string; table: SettingsTable<unknown> }[];

/** Reads and validates the environment; every bad variable is listed in one error. */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  const read = <S>(table: SettingsTable<S>): S => readTable(table, env, problems);
  const server = read(SERVER_SETTINGS);
  const database = read(DATABASE_SETTINGS);
  const mail = read(MAIL_SETTINGS);
  const tokens = read(TOKEN_SETTINGS);
  const webauthn = read(WEBAUTHN_SETTINGS);
  const settings: Settings = {
    server: { ...server, shutdownDelayMs: server.shutdownDelayMs ?? defaultShutdownDelayMs(server.nodeEnv) },
    database,
    secrets: read(SECRETS_SETTINGS),
    tokens,
    sessions: read(SESSION_SETTINGS),
    passwords: read(PASSWORD_SETTINGS),
    login: read(LOGIN_SETTINGS),
    rateLimits: { ...read(RATE_LIMIT_STORE_SETTINGS), ipLimits: read(IP_LIMIT_SETTINGS) },
    // Development emails go beside the embedded data unless told otherwise.
    mail: { ...mail, dropDir: mail.dropDir ?? (database.dataDir ? join(database.dataDir, 'mail') : undefined) },
    account: read(ACCOUNT_SETTINGS),
    organizations: read(ORGANIZATION_SETTINGS),
    metrics: read(METRICS_SETTINGS),
    events: read(EVENT_SETTINGS),
    introspection: read(INTROSPECTION_SETTINGS),
    retention: read(RETENTION_SETTINGS),
    // On by default only where emailed links point at this service: a front end of its own answers them otherwise.
    pages: { hosted: read(PAGES_SETTINGS).hosted ?? mail.publicUrl === undefined },
    // The relying party is the service itself unless told otherwise: its name, its public origin.
    webauthn: {
      ...webauthn,
      rpName: webauthn.rpName ?? tokens.issuer,
      // Unset with PUBLIC_URL unset: this service's own origin, known once it listens (WebauthnRelyingParty).
      origins: webauthn.origins ?? (mail.publicUrl === undefined ? [] : [new URL(mail.publicUrl).origin]),
    },
  };
  problems.push(...checkTokenKeys(settings.tokens));
  if (settings.server.nodeEnv === 'production') problems.push(...productionRefusals(settings));
  if (problems.length > 0) throw new InvalidSettingsError(problems);
  return settings;
}

/**
 * What production refuses to start with: each reason is listed, all at once. The embedded database
 * has no authentication and serves one process, and a key stored unencrypted would let anyone who
 * reads the database (a backup, a replica) mint tokens.
 */
export function productionRefusals({ tokens, passwords, database, secrets, mail, webauthn }: Settings): string[] {
  const refusals: string[] = [];
  if (database.url === undefined) {
    refusals.push(
      'DATABASE_URL is required when NODE_ENV=production: the embedded database is for development (no authentication, one process)',
    );
  }
  if (secrets.dataEncryptionKey === undefined) {
    refusals.push(
      'DATA_ENCRYPTION_KEY (32 random bytes: openssl rand -base64 32) is required when NODE_ENV=production: it encrypts the keys stored in the database',
    );
  }
  if (mail.publicUrl === undefined) {
    refusals.push(
      'PUBLIC_URL is required when NODE_ENV=production: email links would point at http://localhost, which no recipient can reach',
    );
  } else if (!isHttpsOrLocalhost(mail.publicUrl)) {
    refusals.push(
      'PUBLIC_URL must be an https:// URL when NODE_ENV=production (http:// only for localhost): email links carry tokens',
    );
  }
  const weakness = tokens.secret === undefined ? undefined : secretWeakness(tokens.secret);
  if (weakness) refusals.push(`JWT_SECRET is ${weakness} when NODE_ENV=production: use openssl rand -base64 48`);
  if (tokens.algorithm === 'HS256' && tokens.secret === undefined) {
    refusals.push('JWT_SECRET is required with JWT_ALGORITHM=HS256 when NODE_ENV=production');
  }
  if (tokens.algorithm !== 'HS256' && tokens.privateKey === undefined) {
    refusals.push(`JWT_PRIVATE_KEY (a PEM private key for ${tokens.algorithm}) is required when NODE_ENV=production`);
  }
  if (passwords.bcryptCost < 10) refusals.push('BCRYPT_COST must be at least 10 when NODE_ENV=production');
  refusals.push(...webauthnRefusals(webauthn));
  return refusals;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isHttpsOrLocalhost(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || LOCAL_HOSTS.has(hostname) || hostname.endsWith('.localhost');
}
