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
 * connection makes that order explicit on our side.
 */
export async function openDatabase(
  settings: Pick<DatabaseSettings, 'url' | 'dataDir' | 'poolSize'>,
): Promise<DatabaseConnection> {
  const embedded = settings.url === undefined ? await startEmbeddedPostgres(settings.dataDir) : undefined;
  const dataSource = createDataSource({
    url: embedded?.url ?? (settings.url as string),
    poolSize: embedded ? 1 : settings.poolSize,
  });
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
