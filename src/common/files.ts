import { linkSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Creates `file` with `content` unless it exists, atomically: written whole to a temporary file,
 * then hard-linked into place, so a concurrent reader never sees half of it and of two processes
 * racing exactly one wins. True when this call created it.
 */
export function createFileExclusively(file: string, content: string, mode = 0o600): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(temporary);
  }
}
