import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { createFileExclusively } from '../common/files';
import { parseDataKey } from '../config/secrets.settings';
import { SettingRefused } from '../config/setting';
import { Settings } from '../config/settings';
import { DataCipher } from './data-cipher';

export const DATA_KEY_FILE = 'data-encryption.key';

export interface LoadedDataCipher {
  cipher: DataCipher;
  /** Where the key came from, for the start-up log line; never the key. */
  source: 'DATA_ENCRYPTION_KEY' | 'generated' | 'file' | 'this process only';
  file?: string;
}

/**
 * The data key: DATA_ENCRYPTION_KEY (production requires it), else the one kept beside the
 * embedded data in DATA_DIR/data-encryption.key (mode 600; generated on first start), else, with
 * an in-memory DATA_DIR, a key for this process only.
 */
export function loadDataCipher({ secrets, database }: Pick<Settings, 'secrets' | 'database'>): LoadedDataCipher {
  const previous = secrets.previousDataEncryptionKeys;
  if (secrets.dataEncryptionKey) {
    return { cipher: new DataCipher(secrets.dataEncryptionKey, previous), source: 'DATA_ENCRYPTION_KEY' };
  }
  if (database.dataDir === '') return { cipher: new DataCipher(randomBytes(32), previous), source: 'this process only' };
  const file = resolve(database.dataDir, DATA_KEY_FILE);
  const generated = createKeyFile(file);
  return { cipher: new DataCipher(readKeyFile(file), previous), source: generated ? 'generated' : 'file', file };
}

/**
 * Writes a new key unless the file exists. Written to a private temporary file first and linked
 * into place (link fails when the name exists), so a process starting at the same moment reads
 * either no file or the whole key, and one key wins.
 */
function createKeyFile(file: string): boolean {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  return createFileExclusively(file, `${randomBytes(32).toString('base64')}\n`, 0o600);
}

function readKeyFile(file: string): Buffer {
  try {
    return parseDataKey(readFileSync(file, 'utf8').trim());
  } catch (error) {
    if (error instanceof SettingRefused) throw new Error(`${file} ${error.message}`);
    throw error;
  }
}
