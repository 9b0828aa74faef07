import 'reflect-metadata';

import { openDatabase } from '../database-connection';
import { runMigrations } from '../run-migrations';

/**
 * `npm run migration:check`: applies every migration to a fresh in-memory embedded database and
 * fails when the entities describe a schema the migrations do not build (what
 * `typeorm migration:generate` would write is printed).
 */
async function main(): Promise<void> {
  const database = await openDatabase({ url: process.env.CHECK_DATABASE_URL, dataDir: '', poolSize: 1 });
  try {
    await runMigrations(database.dataSource);
    const pending = await database.dataSource.driver.createSchemaBuilder().log();
    if (pending.upQueries.length > 0) {
      process.stderr.write('Entities and migrations disagree. A migration is missing these statements:\n');
      for (const query of pending.upQueries) process.stderr.write(`  ${query.query};\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write('entities and migrations agree\n');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
