import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';

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
 * The embedded server's memory, sized for one small service rather than PostgreSQL's defaults
 * (128 MB of shared buffers, all of it resident once touched, inside the WebAssembly memory that
 * never shrinks). The working set of this service's tables fits many times in 16 MB; the page
 * cache of the machine still holds the files behind it. See docs/benchmarks.md (bench:memory).
 */
const EMBEDDED_MEMORY_SETTINGS: Record<string, string> = {
  shared_buffers: '16MB',
  wal_buffers: '1MB',
  temp_buffers: '2MB',
  work_mem: '2MB',
  maintenance_work_mem: '16MB',
};

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) and serves it on a Unix socket, so the
 * ordinary `pg` driver, the same migrations and the same SQL run on it. The embedded server has
 * no authentication, so nothing but this OS user may reach it: the socket has mode 600 in a
 * directory of mode 700 (DATA_DIR, or a private temporary directory), and the database files
 * are in DATA_DIR/pgdata (mode 700). DATA_DIR is locked to this process first: two processes on
 * one embedded database lose data. An empty dataDir keeps the database in memory. PGlite runs one
 * transaction at a time: the socket server queues the statements of other connections until the
 * open transaction ends. PGlite's code (half a megabyte of JavaScript besides its WebAssembly) is
 * loaded only here, when the service runs without DATABASE_URL.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const unlock = dataDir === '' ? () => undefined : lockDataDir(dataDir);
  const socketDir = socketDirFor(dataDir);
  const socket = join(socketDir.path, SOCKET_NAME);
  let closeDatabase: (() => Promise<void>) | undefined;
  const release = async () => {
    await closeDatabase?.();
    rmSync(socket, { force: true });
    if (socketDir.temporary) rmSync(socketDir.path, { recursive: true, force: true });
    unlock();
  };
  try {
    // PostgreSQL compiled to WebAssembly is 9 MB of code. V8 compiles it at once with its baseline
    // compiler (Liftoff) and then recompiles the hot functions with its optimizing one, which keeps
    // another 70 MB or more resident and costs CPU at every start; measured on this service's
    // queries, the optimized code saved no CPU. The flag applies to WebAssembly compiled from now on.
    setFlagsFromString('--liftoff-only');
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
    const startParams = [
      ...PGlite.defaultStartParams,
      ...Object.entries(EMBEDDED_MEMORY_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    // A socket left by a process that crashed: DATA_DIR is ours now.
    rmSync(socket, { force: true });
    const db =
      dataDir === ''
        ? await PGlite.create({ startParams })
        : await PGlite.create(await createdDataDirectory(dataDir), { startParams });
    closeDatabase = () => db.close();
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

/** DATA_DIR when the socket's path fits (then `psql -h DATA_DIR` reaches it), else a fresh directory of mode 700. */
function socketDirFor(dataDir: string): { path: string; temporary: boolean } {
  const dir = dataDir === '' ? undefined : resolve(dataDir);
  if (dir !== undefined && join(dir, SOCKET_NAME).length <= MAX_SOCKET_PATH) return { path: dir, temporary: false };
  return { path: mkdtempSync(join(tmpdir(), 'identity-pg-')), temporary: true };
}

/**
 * The data directory under dataDir (mode 700: the files are nobody else's business), created
 * (initdb) on first use in a short-lived child process: PGlite runs initdb as a second and a third
 * WebAssembly instance whose memory, about 500 MB, stays referenced after they finish. Done in this
 * process, the service would carry it for its whole life.
 */
async function createdDataDirectory(dataDir: string): Promise<string> {
  const directory = resolve(dataDir, 'pgdata');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Earlier versions created it with the umask's mode.
  chmodSync(directory, 0o700);
  if (existsSync(resolve(directory, 'PG_VERSION'))) return directory;
  const script = `require(${JSON.stringify(require.resolve('@electric-sql/pglite'))}).PGlite.create(process.argv[1])
    .then((db) => db.close())
    .catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;
  const child = spawn(process.execPath, ['--liftoff-only', '-e', script, directory], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the embedded database could not be created in ${directory}: ${errors.trim()}`);
  return directory;
}
