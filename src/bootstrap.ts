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

export interface RunningApp {
  app: NestFastifyApplication;
  /** Stops accepting requests, closes the app, then the database (and the embedded server). */
  close(): Promise<void>;
}

/**
 * Opens the database, checks the connection pooler in front of it (refusing DB_PREPARED_STATEMENTS=true
 * where it cannot work), migrates it when asked, and builds the configured app (not yet listening).
 */
export async function createApplication(settings: Settings, logger: Logger): Promise<RunningApp> {
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
      AppModule.forRoot({ settings, dataSource: database.dataSource, logger }),
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
