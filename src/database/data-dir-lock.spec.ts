import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'data-dir-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeLock = (pid: number) =>
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: 'elsewhere', started_at: '2025-01-01T00:00:00Z' }));

  it('refuses a second holder while the first lives, naming it, and lets the next one in once it is released', () => {
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${process.pid}`);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir)();
  });

  it('refuses while another live process holds it', () => {
    writeLock(process.ppid);
    expect(() => lockDataDir(dir)).toThrow(`process ${process.ppid} on elsewhere`);
  });

  it('takes over the lock of a process that is gone (a crash)', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeLock(gone);
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    release();
  });

  it('takes over a lock that names its own pid: a restarted container whose process got the same pid', () => {
    writeLock(process.pid);
    lockDataDir(dir)();
  });
});
