import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { createFileExclusively } from '../common/files';

export const LOCK_FILE = 'identity-service.lock';

interface Holder {
  pid: number;
  hostname: string;
  started_at: string;
}

/** Another live process serves the embedded database in this DATA_DIR. */
export class DataDirInUseError extends Error {
  constructor(dir: string, holder: Holder | undefined, file: string) {
    const who = holder ? `process ${holder.pid} on ${holder.hostname} (since ${holder.started_at})` : 'another process';
    super(
      `DATA_DIR ${dir} is in use by ${who}. One process at a time per DATA_DIR: two processes on one ` +
        'embedded database lose data. Stop the other one, or start this one with another DATA_DIR or a DATABASE_URL. ' +
        `If that process is not the identity service (a container that was replaced), delete ${file}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

// Held by this process: a pid check cannot tell two holders in one process apart.
const heldHere = new Set<string>();

/**
 * Takes DATA_DIR for this process: a lock file with its pid, created only if none exists. A lock
 * whose process is gone (a crash, a killed container) is taken over, so none outlives its
 * process for good; one whose process lives refuses the start with DataDirInUseError. The
 * returned function gives DATA_DIR back.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCK_FILE);
  if (heldHere.has(file)) throw new DataDirInUseError(dir, readHolder(file), file);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file)) {
      heldHere.add(file);
      return () => release(file);
    }
    const holder = readHolder(file);
    // Our own pid in the file is a previous life of this container's process (same pid after a restart).
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirInUseError(dir, holder, file);
    removeIfPresent(file);
  }
  throw new DataDirInUseError(dir, readHolder(file), file);
}

/** Written whole, then linked into place: a reader never sees half a lock. */
function create(file: string): boolean {
  const holder: Holder = { pid: process.pid, hostname: hostname(), started_at: new Date().toISOString() };
  return createFileExclusively(file, `${JSON.stringify(holder)}\n`, 0o644);
}

function release(file: string): void {
  heldHere.delete(file);
  if (readHolder(file)?.pid === process.pid) removeIfPresent(file);
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
