import 'reflect-metadata';

import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/run-migrations';
import { databaseUrl, serverUrl, TEMPLATE_ENV, uniqueDatabaseName, withAdminClient } from './database';

/**
 * On a real server, migrates one template database; every e2e file then clones it
 * (CREATE DATABASE … TEMPLATE), which is much faster than migrating each.
 */
export default async function globalSetup(): Promise<void> {
  const server = serverUrl();
  if (!server) return;
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
