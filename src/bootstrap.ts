import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'pino';

import { AppModule } from './app.module';
import { PinoNestLogger } from './common/logging/logger';
import { Settings } from './config/settings';
import { configureApp, createHttpAdapter } from './configure-app';
import { openDatabase } from './database/database-connection';
import { runMigrations } from './database/run-migrations';
import { loadDataCipher } from './secrets/data-key-file';

export interface RunningApp {
  app: NestFastifyApplication;
  /** Stops accepting requests, closes the app, then the database (and the embedded server). */
  close(): Promise<void>;
}

/** Opens the database, migrates it when asked, and builds the configured app (not yet listening). */
export async function createApplication(settings: Settings, logger: Logger): Promise<RunningApp> {
  const { cipher, source, file } = loadDataCipher(settings);
  logger.info({ key_id: cipher.keyId, source, file }, 'data encryption key loaded');
  if (source === 'this process only') {
    logger.warn('no DATA_ENCRYPTION_KEY and no DATA_DIR: the keys this process stores cannot be read after it ends');
  }
  const database = await openDatabase(settings.database);
  try {
    if (settings.database.migrate) {
      const applied = await runMigrations(database.dataSource);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ settings, dataSource: database.dataSource, logger, cipher }),
      createHttpAdapter(settings.server),
      { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
    );
    configureApp(app, settings.server, logger);
    await app.init();
    return {
      app,
      async close() {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
