import { join } from 'node:path';

import { DataSource, DataSourceOptions } from 'typeorm';

import { FailFastClient } from './fail-fast-client';

export interface DataSourceSettings {
  url: string;
  poolSize: number;
  /** Longest wait for a pooled connection, in ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Longest wait for a query's answer, in ms, after which the connection is dropped; undefined or 0: no limit. */
  queryTimeoutMs?: number;
}

/** The one DataSource definition, used by the app, the CLI (ormconfig.ts) and the tests. */
export function buildDataSourceOptions({
  url,
  poolSize,
  connectTimeoutMs,
  queryTimeoutMs,
}: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // Each feature keeps its entities beside it; no list here knows them all.
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs ?? 10_000,
      ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs, Client: FailFastClient } : {}),
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(buildDataSourceOptions(settings));
}
