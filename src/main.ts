import 'reflect-metadata';
import pino from 'pino';
import { createApplication } from './bootstrap';
import { createLogger } from './common/logging/logger';
import { ConfigValidationError, loadConfig } from './config/load-config';

// Asynchronous stdout: lines written while a write is pending go out together in one syscall
// instead of one blocking write per line. Flushed before every exit.
const destination = pino.destination({ dest: 1, sync: false });
const exit = (code: number): never => {
  try {
    destination.flushSync();
  } catch {
    // stdout already gone: nothing left to save
  }
  process.exit(code);
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, destination);
  const running = await createApplication(config, logger);
  await running.app.listen(config.port, config.host);
  logger.info(
    { port: config.port, host: config.host, database: config.databaseUrl ? 'postgres' : 'embedded' },
    'identity service listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `identity service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exit(1);
});
