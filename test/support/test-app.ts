import 'reflect-metadata';

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';

import { createApplication } from '../../src/bootstrap';
import { createLogger } from '../../src/common/logging/logger';
import { RATE_LIMITED_ACTIONS } from '../../src/config/rate-limit.settings';
import { loadSettings, Settings } from '../../src/config/settings';
import { databaseUrl, EMBEDDED_TEMPLATE_ENV, serverUrl, TEMPLATE_ENV, uniqueDatabaseName, withAdminClient } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  settings: Settings;
  /** Base URL of the listening app: requests go over real HTTP. */
  url: string;
  api: () => TestAgent;
  dataSource: DataSource;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log output, to search for leaked secrets. */
  rawLogs: () => string;
  /** The database this app created on the test server, if any. */
  databaseName: string | undefined;
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  /** DATABASE_URL here is used as given (a server of the test's own); otherwise a clone of the template. */
  env?: Record<string, string>;
  /** Reuse the database of an earlier app (a restart, or a second replica). */
  databaseOf?: TestApp;
  /** The embedded database (in env.DATA_DIR, or in memory) even when the tests have a server. */
  embedded?: boolean;
}

// Per-IP limits out of the way: every request of a test comes from 127.0.0.1. The rate-limit
// tests set their own.
const GENEROUS_IP_LIMITS = Object.fromEntries(
  RATE_LIMITED_ACTIONS.map((action) => [`RATE_LIMIT_${action.toUpperCase()}`, '100000/1m']),
);

/**
 * The data key of every test app, so a restarted app or a second replica on the same database
 * reads the keys the first stored, and a test can open them as the operator could.
 */
export const TEST_DATA_ENCRYPTION_KEY = 'b8SVph32saghBZ4IMtUBeXkvjtOo/rafiOWVhiMxPaU=';

const BASE_ENV: Record<string, string> = {
  ...GENEROUS_IP_LIMITS,
  DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  BCRYPT_COST: '4',
  // Refused logins answer at once; the rate-limit tests switch the hold on where they measure it.
  LOGIN_REFUSAL_DELAY_MS: '0',
  DATA_DIR: '',
  PORT: '0',
};

/**
 * Boots the whole service exactly as main.ts does (same createApplication and configureApp) on
 * its own database: a clone of the migrated template on a real server, or a fresh in-memory
 * embedded PostgreSQL.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const server = serverUrl();
  // A reusing app takes over dropping the database it inherited.
  let ownDatabase: string | undefined = options.databaseOf?.databaseName;
  let url: string | undefined = options.databaseOf?.settings.database.url;
  // On the test server, unless the app is told to use the embedded database or a DATABASE_URL of
  // its own (a server of the test's own, a pooler in front of it); the caller then owns that database.
  const onTestServer = !options.embedded && !options.env?.DATABASE_URL;
  if (server && !options.databaseOf && onTestServer) {
    ownDatabase = uniqueDatabaseName('identity_test');
    const template = process.env[TEMPLATE_ENV];
    await withAdminClient(server, (client) =>
      client.query(template ? `CREATE DATABASE "${ownDatabase}" TEMPLATE "${template}"` : `CREATE DATABASE "${ownDatabase}"`),
    );
    url = databaseUrl(server, ownDatabase);
  }

  const env: Record<string, string> = { ...BASE_ENV, ...options.env };
  if (url && onTestServer) env.DATABASE_URL = url;
  // The embedded default without a directory of the test's own: a copy of the migrated template.
  const ownDataDir = !env.DATABASE_URL && env.DATA_DIR === '' ? copyEmbeddedTemplate() : undefined;
  if (ownDataDir) env.DATA_DIR = ownDataDir;
  const settings = loadSettings(env);

  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(settings.server.logLevel, sink);
  const running = await createApplication(settings, logger);
  await running.app.listen(0, '127.0.0.1');
  const address = running.app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;

  return {
    app: running.app,
    settings,
    url: base,
    api: () => request(base),
    dataSource: running.app.get(DataSource),
    get logs() {
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLogs: () => chunks.join(''),
    databaseName: ownDatabase,
    async close({ keepDatabase = false } = {}) {
      await running.close();
      if (server && ownDatabase && !keepDatabase) {
        await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${ownDatabase}" WITH (FORCE)`));
      }
      if (ownDataDir && !keepDatabase) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A data directory of its own holding the template's migrated database (see global-setup), or
 * undefined without one (a test file run outside the e2e project): then an in-memory database.
 */
function copyEmbeddedTemplate(): string | undefined {
  const template = process.env[EMBEDDED_TEMPLATE_ENV];
  if (!template) return undefined;
  const directory = mkdtempSync(join(tmpdir(), 'identity-test-'));
  cpSync(join(template, 'pgdata'), join(directory, 'pgdata'), { recursive: true });
  return directory;
}

/** For beforeAll hooks that boot an app: key generation and the embedded database can take seconds on a busy machine. */
export const BOOT_TIMEOUT = 60_000;

/** What a test reaches through useTestApp(): the app booted for its describe block, closed by that block's afterAll. */
export type TestAppHandle = Omit<TestApp, 'close'>;

/**
 * Boots one app for the surrounding describe block (beforeAll, with BOOT_TIMEOUT) and closes it
 * in afterAll. Call it in the describe body; the handle reaches the app lazily, so use it inside
 * tests and hooks, not while the block is being declared. Options given as a function are read
 * when the app boots, after the beforeAll hooks declared above this call (e.g. one starting a
 * server whose port goes into the env); afterAll hooks declared below it run after the close.
 */
export function useTestApp(options: TestAppOptions | (() => TestAppOptions) = {}): TestAppHandle {
  let booted: TestApp | undefined;
  const current = (): TestApp => {
    if (!booted) throw new Error('useTestApp: the app is not booted yet; reach it inside a test or hook');
    return booted;
  };

  beforeAll(async () => {
    booted = await createTestApp(typeof options === 'function' ? options() : options);
  }, BOOT_TIMEOUT);
  afterAll(async () => {
    const app = booted;
    booted = undefined;
    await app?.close();
  });

  return {
    get app() {
      return current().app;
    },
    get settings() {
      return current().settings;
    },
    get url() {
      return current().url;
    },
    api: () => current().api(),
    get dataSource() {
      return current().dataSource;
    },
    get logs() {
      return current().logs;
    },
    rawLogs: () => current().rawLogs(),
    get databaseName() {
      return current().databaseName;
    },
  };
}
