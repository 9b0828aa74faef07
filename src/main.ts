import 'reflect-metadata';

import { existsSync } from 'node:fs';

import pino from 'pino';

import { createApplication } from './bootstrap';
import { createLogger } from './common/logging/logger';
import { InvalidSettingsError, loadSettings, Settings } from './config/settings';
import { DataDirInUseError } from './database/data-dir-lock';
import { UnreadableSecretError } from './secrets/data-cipher';

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
  // A .env file in the working directory fills in what the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof InvalidSettingsError) {
      process.stderr.write(`${error.message}\n`);
      exit(1);
    }
    throw error;
  }
  const { server } = settings;
  const logger = createLogger(server.logLevel, destination);
  const running = await createApplication(settings, logger);
  await running.app.listen(server.port, server.host);
  logger.info(
    { port: server.port, host: server.host, database: settings.database.url ? 'postgres' : 'embedded' },
    'identity service listening',
  );

  // SIGTERM (or SIGINT): /readyz turns 503, requests are still served for SHUTDOWN_DELAY_MS, then
  // the requests in flight are answered and the process exits. A second signal skips the delay.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      running.skipDelay();
      return;
    }
    stopping = true;
    logger.info({ signal, delay_ms: server.shutdownDelayMs }, 'shutting down');
    running.close({ delayMs: server.shutdownDelayMs }).then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

// Refusals an operator acts on: their message says what to do, a stack would only hide it. An
// InvalidSettingsError here is a setting found wrong only once the database answers
// (DB_PREPARED_STATEMENTS behind a pooler).
const REFUSALS = [DataDirInUseError, UnreadableSecretError, InvalidSettingsError];

main().catch((error: unknown) => {
  const refusal = REFUSALS.some((type) => error instanceof type);
  process.stderr.write(
    `identity service failed to start: ${error instanceof Error ? (refusal ? error.message : (error.stack ?? error.message)) : String(error)}\n`,
  );
  exit(1);
});
