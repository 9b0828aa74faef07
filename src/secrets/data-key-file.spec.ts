import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadSettings } from '../config/settings';
import { DATA_KEY_FILE, loadDataCipher } from './data-key-file';

describe('loadDataCipher', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'data-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key beside the embedded data on first start, readable by its owner only, and keeps it', () => {
    const settings = loadSettings({ DATA_DIR: join(dir, 'data') });
    const first = loadDataCipher(settings);
    const file = join(dir, 'data', DATA_KEY_FILE);
    expect(first).toMatchObject({ source: 'generated', file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    const second = loadDataCipher(settings);
    expect(second.source).toBe('file');
    expect(second.cipher.open(first.cipher.seal('secret', 'ctx'), 'ctx')).toBe('secret');
  });

  it('uses DATA_ENCRYPTION_KEY when set, and writes no file', () => {
    const key = randomBytes(32);
    const { cipher, source } = loadDataCipher(loadSettings({ DATA_DIR: dir, DATA_ENCRYPTION_KEY: key.toString('base64') }));
    expect(source).toBe('DATA_ENCRYPTION_KEY');
    expect(() => readFileSync(join(dir, DATA_KEY_FILE))).toThrow();
    expect(cipher.keyId).toBe(loadDataCipher(loadSettings({ DATA_ENCRYPTION_KEY: key.toString('hex') })).cipher.keyId);
  });

  it('says which file holds a bad key', () => {
    writeFileSync(join(dir, DATA_KEY_FILE), 'short\n');
    expect(() => loadDataCipher(loadSettings({ DATA_DIR: dir }))).toThrow(join(dir, DATA_KEY_FILE));
  });

  it('keeps a key for this process only with an in-memory DATA_DIR', () => {
    expect(loadDataCipher(loadSettings({ DATA_DIR: '' })).source).toBe('this process only');
  });
});
