import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { TransactionHost } from './transaction-host';

/**
 * Provides the DataSource opened at bootstrap (see openDatabase) and the TransactionHost.
 * Opening happens outside Nest so the embedded server, migrations and shutdown order stay explicit.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DataSource, useValue: dataSource }, TransactionHost],
      exports: [DataSource, TransactionHost],
    };
  }
}
