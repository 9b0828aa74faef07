import { ChildProcess, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { Socket } from 'node:net';

/** Helpers shared by the fixtures that run a machine binary as a child process of the test. */

/** uid and gid of an OS account (e.g. `postgres`), for spawn()'s uid/gid options. */
export function osUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
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

export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return !!child && child.exitCode === null && child.signalCode === null;
}

/**
 * Polls `check` until it is true; fails early when the child exits, or at the deadline, with
 * `describe()` (the process's log) in the message.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess,
  describe: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode})\n${describe()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms\n${describe()}`);
}

/**
 * Sends `signal` to the child (to its whole process group when it was spawned with
 * `detached: true`, so that workers and backends go too) and waits for it to exit.
 */
export async function signalAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals, group = false): Promise<void> {
  if (!isRunning(child) || child.pid === undefined) return;
  const exited = once(child, 'exit');
  try {
    process.kill(group ? -child.pid : child.pid, signal);
  } catch {
    // already gone
  }
  await exited;
}
