import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isRunning, portAnswers, signalAndWait, waitUntil } from './os-process';
import { freePort } from './service-process';

/** The installed pgbouncer's version, e.g. [1, 18, 0]. */
export function pgbouncerVersion(): number[] {
  const out = execFileSync('pgbouncer', ['--version'], { encoding: 'utf8' });
  const match = /PgBouncer (\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!match) throw new Error(`unexpected pgbouncer --version output: ${out}`);
  return match.slice(1).map(Number);
}

/**
 * pgbouncer of the test's own, in transaction pooling mode, in front of a PostgreSQL server
 * (the machine's by default). Every database name is passed through to the server
 * (`* =`), connecting as the server URL's user; clients may log in as anyone (auth_type = any,
 * as the servers use trust). pgbouncer refuses to run as root, so it is started with
 * `-u postgres` (it switches user itself after reading its config).
 */
export class PgBouncerProcess {
  port = 0;
  /** Whether pgbouncer tracks protocol-level prepared statements (max_prepared_statements, ≥ 1.21). */
  readonly preparedStatements: boolean;
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly serverUrl = 'postgresql://postgres@127.0.0.1:5432/postgres',
    private readonly settings: Record<string, string | number> = {},
  ) {
    const [major, minor] = pgbouncerVersion();
    this.preparedStatements = major > 1 || (major === 1 && minor >= 21);
  }

  /** A URL for `database` through pgbouncer. */
  url(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  async start(): Promise<void> {
    if (isRunning(this.child)) return;
    this.dir ??= mkdtempSync(join(tmpdir(), 'pgbouncer-'));
    if (!this.port) this.port = await freePort();
    const config = join(this.dir, 'pgbouncer.ini');
    writeFileSync(config, this.config());
    this.output = '';
    const child = spawn('pgbouncer', ['-u', 'postgres', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitUntil(
      'pgbouncer',
      () => portAnswers(this.port),
      child,
      () => this.output,
    );
  }

  /** hard: SIGKILL; otherwise SIGINT (pgbouncer's safe shutdown, waiting for transactions to end). */
  async stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    await signalAndWait(this.child, hard ? 'SIGKILL' : 'SIGINT');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** What pgbouncer logged since its last start. */
  log(): string {
    return this.output;
  }

  private config(): string {
    const server = new URL(this.serverUrl);
    const target = [
      `host=${server.hostname}`,
      `port=${server.port || 5432}`,
      `user=${decodeURIComponent(server.username || 'postgres')}`,
      ...(server.password ? [`password=${decodeURIComponent(server.password)}`] : []),
    ].join(' ');
    const settings: Record<string, string | number> = {
      listen_addr: '127.0.0.1',
      listen_port: this.port,
      unix_socket_dir: '',
      auth_type: 'any',
      admin_users: 'postgres',
      pool_mode: 'transaction',
      max_client_conn: 2000,
      default_pool_size: 20,
      ignore_startup_parameters: 'extra_float_digits',
      ...(this.preparedStatements ? { max_prepared_statements: 200 } : {}),
      ...this.settings,
    };
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    return `[databases]\n* = ${target}\n\n[pgbouncer]\n${lines.join('\n')}\n`;
  }
}
