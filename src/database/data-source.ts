import { join } from 'node:path';

import { DataSource, DataSourceOptions } from 'typeorm';

export interface DataSourceSettings {
  url: string;
  poolSize: number;
}

/** The one DataSource definition, used by the app, the CLI (ormconfig.ts) and the tests. */
export function buildDataSourceOptions({ url, poolSize }: DataSourceSettings): DataSourceOptions {
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
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(buildDataSourceOptions(settings));
}
