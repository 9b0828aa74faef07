import { ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';

import { freePort } from './service-process';

/** A Redis server of the test's own (the machine's redis-server binary), so it can be stopped mid-test. */
export class RedisProcess {
  private child: ChildProcess | undefined;
  port = 0;

  async start(port?: number): Promise<string> {
    this.port = port ?? (await freePort());
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await answers(this.port)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
