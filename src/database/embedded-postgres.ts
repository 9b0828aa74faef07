import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

import { lockDataDir } from './data-dir-lock';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

// The name libpq and pg look for in a socket directory (port 5432).
const SOCKET_NAME = '.s.PGSQL.5432';
// A Unix socket path holds at most 107 bytes on Linux; leave room.
const MAX_SOCKET_PATH = 100;

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) and serves it on a Unix socket, so the
 * ordinary `pg` driver, the same migrations and the same SQL run on it. The embedded server has
 * no authentication, so nothing but this OS user may reach it: the socket has mode 600 in a
 * directory of mode 700 (DATA_DIR, or a private temporary directory), and the database files
 * are in DATA_DIR/pgdata (mode 700). DATA_DIR is locked to this process first: two processes on
 * one embedded database lose data. An empty dataDir keeps the database in memory. PGlite runs one
 * transaction at a time: the socket server queues the statements of other connections until the
 * open transaction ends.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const unlock = dataDir === '' ? () => undefined : lockDataDir(dataDir);
  const socketDir = socketDirFor(dataDir);
  const socket = join(socketDir.path, SOCKET_NAME);
  let db: PGlite | undefined;
  const release = async () => {
    await db?.close();
    rmSync(socket, { force: true });
    if (socketDir.temporary) rmSync(socketDir.path, { recursive: true, force: true });
    unlock();
  };
  try {
    // A socket left by a process that crashed: DATA_DIR is ours now.
    rmSync(socket, { force: true });
    db = await openDatabase(dataDir);
    const server = new PGLiteSocketServer({ db, path: socket, maxConnections: 32 });
    await server.start();
    chmodSync(socket, 0o600);
    return {
      url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir.path)}`,
      async stop() {
        await server.stop();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function openDatabase(dataDir: string): Promise<PGlite> {
  if (dataDir === '') return PGlite.create();
  const directory = resolve(dataDir, 'pgdata');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Earlier versions created it with the umask's mode: the files are nobody else's business.
  chmodSync(directory, 0o700);
  return PGlite.create(directory);
}

/** DATA_DIR when the socket's path fits (then `psql -h DATA_DIR` reaches it), else a fresh directory of mode 700. */
function socketDirFor(dataDir: string): { path: string; temporary: boolean } {
  const dir = dataDir === '' ? undefined : resolve(dataDir);
  if (dir !== undefined && join(dir, SOCKET_NAME).length <= MAX_SOCKET_PATH) return { path: dir, temporary: false };
  return { path: mkdtempSync(join(tmpdir(), 'identity-pg-')), temporary: true };
}
