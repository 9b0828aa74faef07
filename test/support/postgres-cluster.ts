import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { isRunning, osUser, signalAndWait, waitUntil } from './os-process';
import { freePort } from './service-process';

/** The newest installed PostgreSQL's binaries (Debian keeps them in /usr/lib/postgresql/N/bin). */
function postgresBin(): string {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/**
 * TCP on 127.0.0.1 only. fsync is off: a hard stop kills the processes, not the machine, so
 * what was committed is still in the OS's cache, and crash recovery does not fsync the whole
 * data dir first (seconds here).
 */
const SETTINGS = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off'];

/**
 * A PostgreSQL cluster of the test's own: initdb into a temp folder, trust auth, TCP on
 * 127.0.0.1 only, on a free port. It can be killed hard and started again on the same port and
 * data (an outage and a restart with crash recovery). PostgreSQL refuses to run as root, so
 * initdb and the server run as the `postgres` OS user.
 */
export class PostgresCluster {
  port = 0;
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private readonly user = osUser('postgres');
  private readonly bin = postgresBin();

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir!, 'data');
  }

  private get logFile(): string {
    return join(this.dir!, 'postgres.log');
  }

  /** Creates the cluster on first call; later calls restart it on the same port and data dir. */
  async start(): Promise<string> {
    if (isRunning(this.child)) return this.url;
    if (!this.dir) this.init();
    if (!this.port) this.port = await freePort();
    const log = openSync(this.logFile, 'a');
    try {
      this.child = spawn(
        join(this.bin, 'postgres'),
        ['-D', this.dataDir, '-p', String(this.port), ...SETTINGS.flatMap((setting) => ['-c', setting])],
        { ...this.user, cwd: this.dir, detached: true, stdio: ['ignore', log, log] },
      );
    } finally {
      closeSync(log);
    }
    await waitUntil(
      'PostgreSQL',
      () => this.answersQuery(),
      this.child,
      () => this.log(),
    );
    return this.url;
  }

  /**
   * hard: SIGKILL to the postmaster and all its backends at once (a crash: no checkpoint, the
   * data dir stays as it was, the next start() runs crash recovery). Otherwise a fast shutdown.
   */
  async stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    await signalAndWait(this.child, hard ? 'SIGKILL' : 'SIGINT', true);
  }

  /** Stops the server and removes the data dir; start() after it creates a new cluster. */
  async destroy(): Promise<void> {
    await this.stop({ hard: true });
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** The server's log so far. */
  log(): string {
    return this.dir && existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  private init(): void {
    const dir = mkdtempSync(join(tmpdir(), 'pg-cluster-'));
    chownSync(dir, this.user.uid, this.user.gid);
    this.dir = dir;
    execFileSync(
      join(this.bin, 'initdb'),
      ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { ...this.user, cwd: dir, stdio: 'pipe', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } },
    );
  }

  private async answersQuery(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
