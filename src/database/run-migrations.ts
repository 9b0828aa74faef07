import { DataSource, MigrationExecutor } from 'typeorm';

import { withoutQueryTimeout } from './fail-fast-client';

// Any constant shared by every replica; it names the lock, not a row.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs pending migrations in one transaction that first takes a transaction-scoped advisory lock,
 * so replicas that start at the same moment migrate one after the other: the later ones read the
 * migrations table only once the first has committed, and find nothing to do. Reading and applying
 * in the same transaction is also what makes this safe on the embedded database, which serves one
 * transaction at a time. PostgreSQL's DDL is transactional, so a failure leaves no half-applied set.
 * A migration may take as long as it takes (an index on a large table), and so may waiting for
 * another replica's: the query timeout of requests does not apply to this connection.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  const restoreTimeout = withoutQueryTimeout(await queryRunner.connect());
  try {
    await queryRunner.startTransaction();
    try {
      await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'none';
      const applied = await executor.executePendingMigrations();
      await queryRunner.commitTransaction();
      return applied.map((migration) => migration.name);
    } catch (error) {
      await queryRunner.rollbackTransaction();
      throw error;
    }
  } finally {
    restoreTimeout();
    await queryRunner.release();
  }
}
