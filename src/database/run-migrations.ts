import { DataSource, MigrationExecutor } from 'typeorm';

// Any constant shared by every replica; it names the lock, not a row.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so replicas that start at
 * the same moment migrate one after the other (the later ones find nothing to do). Lock and
 * migrations share one connection, which also keeps the embedded database from waiting on itself.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}
