import 'reflect-metadata';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDataSource } from '../../src/database/data-source';
import { openDatabase } from '../../src/database/database-connection';
import { runMigrations } from '../../src/database/run-migrations';
import { databaseUrl, EMBEDDED_TEMPLATE_ENV, serverUrl, TEMPLATE_ENV, uniqueDatabaseName, withAdminClient } from './database';

/**
 * Migrates one template database, which every e2e app then starts from: on a real server a
 * database cloned with CREATE DATABASE … TEMPLATE; on the embedded default a data directory
 * (initdb and the migrations done once) copied per app. Both are much faster than creating and
 * migrating a database for each app.
 */
export default async function globalSetup(): Promise<void> {
  const server = serverUrl();
  if (!server) {
    const directory = mkdtempSync(join(tmpdir(), 'identity-test-template-'));
    const database = await openDatabase({ url: undefined, dataDir: directory, poolSize: 1 });
    try {
      await runMigrations(database.dataSource);
    } finally {
      await database.close();
    }
    process.env[EMBEDDED_TEMPLATE_ENV] = directory;
    return;
  }
  const template = uniqueDatabaseName('identity_test_template');
  await withAdminClient(server, (client) => client.query(`CREATE DATABASE "${template}"`));
  const dataSource = createDataSource({ url: databaseUrl(server, template), poolSize: 1 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env[TEMPLATE_ENV] = template;
}
