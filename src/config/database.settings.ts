import { setting, SettingsTable, urlWithScheme } from './setting';

/** Where the data lives: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR. */
export class DatabaseSettings {
  /** Unset: start the embedded PostgreSQL (PGlite) under dataDir. */
  declare readonly url: string | undefined;
  /** Empty string: an in-memory embedded database (tests). */
  declare readonly dataDir: string;
  declare readonly poolSize: number;
  /** Named prepared statements on the hot paths; off behind poolers that cannot keep them. */
  declare readonly preparedStatements: boolean;
  declare readonly migrate: boolean;
  /** DATABASE_URL only: longest wait for a pooled connection (a free one, or a new one), in ms. */
  declare readonly connectTimeoutMs: number;
  /** DATABASE_URL only: longest wait for a query's answer, in ms; 0: no limit. */
  declare readonly queryTimeoutMs: number;
}

export const DATABASE_SETTINGS: SettingsTable<DatabaseSettings> = {
  url: setting.optional({
    env: 'DATABASE_URL',
    doc: 'postgres://… URL. Unset: the embedded PostgreSQL (PGlite) under DATA_DIR',
    parse: (value) => urlWithScheme(value, ['postgres', 'postgresql']),
  }),
  dataDir: {
    env: 'DATA_DIR',
    fallback: './data',
    doc: 'Where the embedded database (and development emails) live. Empty: in memory',
    blankIsValue: true,
    parse: (value) => value,
  },
  poolSize: setting.integer('DB_POOL_SIZE', 10, 'Connections to DATABASE_URL per process', { min: 1, max: 200 }),
  preparedStatements: setting.boolean(
    'DB_PREPARED_STATEMENTS',
    true,
    'Named prepared statements on the hot paths; false behind PgBouncer before 1.21 in transaction mode',
  ),
  migrate: setting.boolean('DB_MIGRATE', true, 'Apply pending migrations at start, under an advisory lock'),
  connectTimeoutMs: setting.integer(
    'DB_CONNECT_TIMEOUT_MS',
    2000,
    'DATABASE_URL only: longest wait for a pooled connection; past it the request answers 503',
    { min: 100, max: 60_000 },
  ),
  queryTimeoutMs: setting.integer(
    'DB_QUERY_TIMEOUT_MS',
    2500,
    'DATABASE_URL only: longest wait for a query; past it the connection is dropped and the request answers 503. 0: no limit',
    { min: 0, max: 600_000 },
  ),
};
