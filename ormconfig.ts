import 'reflect-metadata';

import { createDataSource } from './src/database/data-source';

/**
 * The TypeORM CLI's data source (migration:generate, migration:revert, schema:log). It needs a
 * running server: set DATABASE_URL. The service itself and `npm run migration:run` also handle
 * the embedded database.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL for the TypeORM CLI (e.g. postgresql://postgres@127.0.0.1:5432/postgres)');

export default createDataSource({ url, poolSize: 1 });
