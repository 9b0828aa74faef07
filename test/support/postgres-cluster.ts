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
   * hard: SIGKILL to the postmaster and all its children at once (a crash: no checkpoint, the
   * data dir stays as it was, the next start() runs crash recovery). Otherwise a fast shutdown.
   */
  async stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    if (!hard) return signalAndWait(this.child, 'SIGINT', true);
    // PostgreSQL's children leave the postmaster's process group (setsid), so a signal to the
    // group reaches the postmaster alone: they are killed by pid, in the same instant.
    const children = this.children();
    const exited = signalAndWait(this.child, 'SIGKILL', true);
    for (const pid of children) signal(pid, 'SIGKILL');
    await exited;
  }

  /**
   * Freezes the server and all its backends (SIGSTOP): connections stay open and connects are
   * accepted by the kernel, but nothing answers, as behind a network partition. resume() thaws it.
   */
  pause(): void {
    this.signalGroup('SIGSTOP');
  }

  resume(): void {
    this.signalGroup('SIGCONT');
  }

  private signalGroup(name: NodeJS.Signals): void {
    if (!isRunning(this.child) || this.child.pid === undefined) return;
    for (const pid of [this.child.pid, ...this.children()]) signal(pid, name);
  }

  /** The postmaster's child processes (backends, checkpointer, walwriter …), from /proc. */
  private children(): number[] {
    const pid = this.child?.pid;
    if (!isRunning(this.child) || pid === undefined) return [];
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
        readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
      );
    } catch {
      return [];
    }
  }

  /** Stops the server and removes the data dir; start() after it creates a new cluster. */
  async destroy(): Promise<void> {
    this.resume();
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

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
