import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) and serves it on a loopback port, so the
 * ordinary `pg` driver, the same migrations and the same SQL run on it. An empty dataDir keeps
 * the database in memory. PGlite runs one transaction at a time: the socket server queues the
 * statements of other connections until the open transaction ends.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  let db: PGlite;
  if (dataDir === '') {
    db = await PGlite.create();
  } else {
    const directory = resolve(dataDir, 'pgdata');
    mkdirSync(directory, { recursive: true });
    db = await PGlite.create(directory);
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
