import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'pino';

import { AppModule } from './app.module';
import { PinoNestLogger } from './common/logging/logger';
import { Settings } from './config/settings';
import { configureApp, createHttpAdapter } from './configure-app';
import { openDatabase } from './database/database-connection';
import { checkConnectionPooler } from './database/pooler-check';
import { runMigrations } from './database/run-migrations';
import { HealthService } from './health/health.service';
import { loadDataCipher } from './secrets/data-key-file';

export interface RunningApp {
  app: NestFastifyApplication;
  /**
   * Stops: /readyz answers 503 at once, requests are still served for `delayMs` (the load
   * balancer's time to notice), then the server stops accepting connections, answers the
   * requests in flight, and the app and the database close. `skipDelay()` ends the delay early.
   */
  close(options?: { delayMs?: number }): Promise<void>;
  skipDelay(): void;
}

/**
 * Opens the database, checks the connection pooler in front of it (refusing DB_PREPARED_STATEMENTS=true
 * where it cannot work), migrates it when asked, and builds the configured app (not yet listening).
 */
export async function createApplication(settings: Settings, logger: Logger): Promise<RunningApp> {
  const { cipher, source, file } = loadDataCipher(settings);
  logger.info({ key_id: cipher.keyId, source, file }, 'data encryption key loaded');
  if (source === 'this process only') {
    logger.warn('no DATA_ENCRYPTION_KEY and no DATA_DIR: the keys this process stores cannot be read after it ends');
  }
  const database = await openDatabase(settings.database);
  try {
    const pooler = await checkConnectionPooler(settings.database);
    if (pooler.transactionPooler) {
      logger.info(
        { prepared_statements: pooler.preparedStatements },
        'DATABASE_URL leads through a transaction-mode connection pooler',
      );
    }
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
    let endDelay = () => undefined as void;
    return {
      app,
      async close({ delayMs = 0 } = {}) {
        app.get(HealthService).beginShutdown();
        if (delayMs > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, delayMs);
            endDelay = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        await app.close();
        await database.close();
      },
      skipDelay: () => endDelay(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
