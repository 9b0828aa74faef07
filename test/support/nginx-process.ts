import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isRunning, signalAndWait, waitUntil } from './os-process';

/**
 * Fills `{{name}}` placeholders (nginx's own `$variables` are left alone). Throws on a
 * placeholder without a value, so a typo does not reach nginx as a literal.
 */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {{${name}}} in the nginx template`);
    return String(values[name]);
  });
}

/**
 * Fills `${NAME}` placeholders (upper case, as the official nginx image's envsubst templates write
 * them; nginx's own lower-case `$variables` are left alone). Throws on a placeholder without a
 * value.
 */
export function renderEnvTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for \${${name}} in the nginx template`);
    return String(values[name]);
  });
}

/**
 * The machine's nginx as a child of the test (`daemon off`), everything it writes (pid, logs,
 * temp files) in a temp prefix dir. `http` is what goes inside the http {} block: server blocks
 * with their `listen 127.0.0.1:PORT` (see renderTemplate and freePort).
 *
 * nginx started as root switches its workers to `workerUser`; the prefix dir is made
 * traversable for it, and nginx itself chowns the temp dirs it creates to that user.
 */
export class NginxProcess {
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly http: string,
    private readonly workerUser = 'nobody nogroup',
  ) {}

  async start(): Promise<void> {
    if (isRunning(this.child)) return;
    if (!this.dir) {
      this.dir = mkdtempSync(join(tmpdir(), 'nginx-'));
      chmodSync(this.dir, 0o755);
    }
    const dir = this.dir;
    const config = join(dir, 'nginx.conf');
    writeFileSync(config, this.config(dir));
    rmSync(join(dir, 'nginx.pid'), { force: true });
    this.output = '';
    const child = spawn('nginx', ['-p', dir, '-c', config, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // The master writes its pid file after it has opened every listening socket.
    await waitUntil(
      'nginx',
      () => Promise.resolve(existsSync(join(dir, 'nginx.pid'))),
      child,
      () => this.log(),
    );
  }

  /** hard: SIGKILL to the master and its workers; otherwise a fast shutdown (SIGTERM). */
  async stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    await signalAndWait(this.child, hard ? 'SIGKILL' : 'SIGTERM', true);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** nginx's output and error log. */
  log(): string {
    const errorLog = this.dir && join(this.dir, 'error.log');
    return this.output + (errorLog && existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  }

  private config(dir: string): string {
    const root = process.getuid?.() === 0;
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind}_temp;`);
    return [
      ...(root ? [`user ${this.workerUser};`] : []),
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  access_log ${dir}/access.log;`,
      ...temp,
      this.http,
      '}',
      '',
    ].join('\n');
  }
}
