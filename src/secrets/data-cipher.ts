import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// enc:<format>:<key id>:<base64url of iv, tag and ciphertext>. Nothing stored in plain form by an
// earlier version contains ':' at that place (PEM, base64url), so the prefix tells them apart.
const PREFIX = 'enc:';
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret this process cannot read: the message says which row and why. */
export class UnreadableSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableSecretError';
  }
}

/** Short, public name of a data key: recomputable by anyone holding it, revealing nothing about it. */
export function dataKeyId(key: Buffer): string {
  return createHash('sha256').update('identity data key\0').update(key).digest('base64url').slice(0, 12);
}

/**
 * Encrypts the secrets the service keeps in its database (AES-256-GCM, a fresh 96-bit IV each
 * time) with DATA_ENCRYPTION_KEY, so a copy of the database alone (a backup, a replica, a read
 * through the embedded port) holds no usable key. Each value names the key that sealed it, so the
 * key can be rotated: previous keys still open what they sealed until it is sealed again. The
 * `context` (table and row) is authenticated too: a sealed value copied into another row fails.
 */
export class DataCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly keyId: string;

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    if (key.length !== 32) throw new Error('a data key is 32 bytes');
    this.keyId = dataKeyId(key);
    for (const previous of previousKeys) this.keys.set(dataKeyId(previous), previous);
    this.keys.set(this.keyId, key);
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${FORMAT}:${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plaintext of a sealed value; throws UnreadableSecretError for a plain, foreign or altered one. */
  open(stored: string, context: string): string {
    if (!DataCipher.isSealed(stored)) throw new UnreadableSecretError(`${context} is not encrypted`);
    const [format, keyId, payload] = stored.slice(PREFIX.length).split(':');
    const key = this.keys.get(keyId);
    if (format !== FORMAT || payload === undefined) throw new UnreadableSecretError(`${context} is in an unknown format`);
    if (!key) {
      throw new UnreadableSecretError(
        `${context} was encrypted with data key ${keyId}, which is neither DATA_ENCRYPTION_KEY (${this.keyId}) nor in DATA_ENCRYPTION_PREVIOUS_KEYS`,
      );
    }
    const raw = Buffer.from(payload, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnreadableSecretError(`${context} does not decrypt: it was altered, or copied from another row`);
    }
  }

  /** Sealed with the current key: nothing to do at start. */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}${FORMAT}:${this.keyId}:`);
  }
}
