import { DataSource } from 'typeorm';

import { DatabaseSettings } from '../config/database.settings';
import { createDataSource } from './data-source';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseConnection {
  dataSource: DataSource;
  embedded: EmbeddedPostgres | undefined;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded database when it is unset. The embedded one
 * gets a single pooled connection: it serves one transaction at a time anyway, and one
 * connection makes that order explicit on our side. Only a server gets the connect and query
 * timeouts: it can become unreachable, so a request must fail fast (503) rather than hang. The
 * embedded database runs in this process and cannot; a timeout there would only fail requests
 * that wait their turn under load.
 */
export async function openDatabase(
  settings: Pick<DatabaseSettings, 'url' | 'dataDir' | 'poolSize'> &
    Partial<Pick<DatabaseSettings, 'connectTimeoutMs' | 'queryTimeoutMs'>>,
): Promise<DatabaseConnection> {
  const embedded = settings.url === undefined ? await startEmbeddedPostgres(settings.dataDir) : undefined;
  const dataSource = createDataSource(
    embedded
      ? { url: embedded.url, poolSize: 1 }
      : {
          url: settings.url as string,
          poolSize: settings.poolSize,
          connectTimeoutMs: settings.connectTimeoutMs,
          queryTimeoutMs: settings.queryTimeoutMs,
        },
  );
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
