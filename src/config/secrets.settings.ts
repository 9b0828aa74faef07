import { SettingRefused, SettingsTable } from './setting';

/** The key that encrypts the secrets the service keeps in its database (signing keys, the refresh-token key). */
export class SecretsSettings {
  /** 32 bytes; undefined: outside production, kept beside the embedded data (DATA_DIR/data-encryption.key). */
  declare readonly dataEncryptionKey: Buffer | undefined;
  /** Keys that encrypted before the current one: still read, and their rows re-encrypted at start. */
  declare readonly previousDataEncryptionKeys: Buffer[];
}

/** 32 bytes from base64 (44 characters, `openssl rand -base64 32`), base64url or 64 hex digits. */
export function parseDataKey(value: string): Buffer {
  let key: Buffer | undefined;
  if (/^[0-9a-f]{64}$/i.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) key = Buffer.from(value, 'base64');
  if (key?.length !== 32) {
    throw new SettingRefused('must be 32 random bytes, base64 (openssl rand -base64 32) or 64 hex digits');
  }
  // 32 random bytes have about 30 distinct values; a key of few distinct bytes was typed, not drawn.
  if (new Set(key).size < 16) throw new SettingRefused('is not random: generate it with openssl rand -base64 32');
  return key;
}

export const SECRETS_SETTINGS: SettingsTable<SecretsSettings> = {
  dataEncryptionKey: {
    env: 'DATA_ENCRYPTION_KEY',
    fallback: undefined,
    fallbackDoc: 'DATA_DIR/data-encryption.key',
    doc: 'Encrypts the keys stored in the database (AES-256-GCM): 32 random bytes, base64 (openssl rand -base64 32). Required in production; otherwise generated beside the embedded data',
    parse: parseDataKey,
  },
  previousDataEncryptionKeys: {
    env: 'DATA_ENCRYPTION_PREVIOUS_KEYS',
    fallback: '',
    doc: 'Comma-separated keys that encrypted before DATA_ENCRYPTION_KEY: still read, and their rows re-encrypted with it at start',
    parse: (value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map(parseDataKey),
  },
};
