import { AsyncLocalStorage } from 'node:async_hooks';

import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { CannotExecuteNotConnectedError, DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

import { DatabaseSettings } from '../config/database.settings';

/**
 * Gives repositories the entity manager of the transaction the current use case opened, without
 * passing it through every call. Every query of a use case must run on that manager: the embedded
 * database serves one transaction at a time, so a query outside it would wait for it forever.
 */
@Injectable()
export class TransactionHost {
  private readonly storage = new AsyncLocalStorage<TransactionScope>();

  // The embedded database is one backend session behind every connection, so statement names
  // would collide there; DB_PREPARED_STATEMENTS=false does the same for poolers that share
  // sessions (PgBouncer before 1.21 in transaction mode).
  private readonly namedStatements: boolean;

  constructor(
    private readonly dataSource: DataSource,
    settings: DatabaseSettings,
  ) {
    this.namedStatements = settings.url !== undefined && settings.preparedStatements;
  }

  get manager(): EntityManager {
    return this.storage.getStore()?.manager ?? this.dataSource.manager;
  }

  /**
   * Runs one statement as a named prepared statement on the current connection (the use case's
   * transaction, or any pooled one): PostgreSQL parses and plans it once per connection instead of
   * on every call. For the statements of the hottest paths (the bearer check on every request).
   * On the embedded database it is an ordinary query.
   */
  async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const queryRunner = this.storage.getStore()?.manager.queryRunner;
    // Closed (shutting down): the same error TypeORM gives, so the request answers 503 as for any query.
    if (!this.dataSource.isInitialized) throw new CannotExecuteNotConnectedError();
    const connection: Pool | PoolClient = queryRunner
      ? ((await queryRunner.connect()) as PoolClient)
      : ((this.dataSource.driver as PostgresDriver).master as Pool);
    const result = await connection.query<T & object>(this.namedStatements ? { name, text, values } : { text, values });
    return result.rows;
  }

  /** Runs `work` in a transaction; nested calls join the outer one. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()) return work();
    const afterCommit: (() => void)[] = [];
    const result = await this.dataSource.transaction((manager) => this.storage.run({ manager, afterCommit }, work));
    for (const callback of afterCommit) callback();
    return result;
  }

  /**
   * Runs `work` in a read-only REPEATABLE READ transaction: every statement sees the database as
   * it was at the first one, a consistent snapshot across tables (an export). Not nested.
   */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()) throw new Error('a snapshot cannot join another transaction');
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return this.storage.run({ manager, afterCommit: [] }, work);
    });
  }

  /**
   * Calls `callback` once the current transaction has committed (at once outside a transaction),
   * never after a rollback: for work that must see the committed change, such as waking the
   * event publisher.
   */
  afterCommit(callback: () => void): void {
    const scope = this.storage.getStore();
    if (scope) scope.afterCommit.push(callback);
    else callback();
  }
}

interface TransactionScope {
  manager: EntityManager;
  afterCommit: (() => void)[];
}
