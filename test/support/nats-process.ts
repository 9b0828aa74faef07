import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isRunning, signalAndWait, waitUntil } from './os-process';
import { freePort } from './service-process';

/**
 * A NATS server with JetStream of the test's own (the machine's nats-server binary), its file
 * store in a temp dir. It can be killed hard and started again on the same port and store dir.
 */
export class NatsProcess {
  port = 0;
  private storeDir: string | undefined;
  private child: ChildProcess | undefined;
  private output = '';

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server; after a stop(), on the same port and JetStream store. */
  async start(): Promise<string> {
    if (isRunning(this.child)) return this.url;
    this.storeDir ??= mkdtempSync(join(tmpdir(), 'nats-js-'));
    if (!this.port) this.port = await freePort();
    this.output = '';
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // The server logs this once JetStream has recovered its streams and the client port listens.
    await waitUntil(
      'nats-server',
      () => Promise.resolve(this.output.includes('Server is ready')),
      child,
      () => this.output,
    );
    return this.url;
  }

  /** hard: SIGKILL (nothing flushed or closed by the server); otherwise a clean shutdown. */
  async stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    await signalAndWait(this.child, hard ? 'SIGKILL' : 'SIGTERM');
  }

  /** Stops the server and removes the store dir. */
  async destroy(): Promise<void> {
    await this.stop({ hard: true });
    if (this.storeDir) rmSync(this.storeDir, { recursive: true, force: true });
    this.storeDir = undefined;
  }

  /** What the server logged since its last start. */
  log(): string {
    return this.output;
  }
}
