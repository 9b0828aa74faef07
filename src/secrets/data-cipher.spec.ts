import { randomBytes } from 'node:crypto';

import { DataCipher, dataKeyId, UnreadableSecretError } from './data-cipher';

describe('DataCipher', () => {
  const key = randomBytes(32);
  const cipher = new DataCipher(key);

  it('seals a secret into a value that names its key and holds no trace of the secret', () => {
    const sealed = cipher.seal('-----BEGIN PRIVATE KEY-----\nsecret', 'signing_keys a');
    expect(sealed).toMatch(new RegExp(`^enc:v1:${dataKeyId(key)}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('PRIVATE');
    expect(cipher.seal('same', 'ctx')).not.toBe(cipher.seal('same', 'ctx'));
    expect(cipher.open(sealed, 'signing_keys a')).toBe('-----BEGIN PRIVATE KEY-----\nsecret');
  });

  it('refuses a plain value, a value of another row, an altered one and one of an unknown key', () => {
    const sealed = cipher.seal('secret', 'refresh_token_keys a');
    expect(() => cipher.open('secret', 'refresh_token_keys a')).toThrow(UnreadableSecretError);
    expect(() => cipher.open(sealed, 'refresh_token_keys b')).toThrow('copied from another row');
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => cipher.open(altered, 'refresh_token_keys a')).toThrow(UnreadableSecretError);
    const stranger = new DataCipher(randomBytes(32)).seal('secret', 'refresh_token_keys a');
    expect(() => cipher.open(stranger, 'refresh_token_keys a')).toThrow(/neither DATA_ENCRYPTION_KEY/);
  });

  it('opens what a previous key sealed, and tells it from what the current key sealed', () => {
    const oldKey = randomBytes(32);
    const sealedBefore = new DataCipher(oldKey).seal('secret', 'ctx');
    const rotated = new DataCipher(randomBytes(32), [oldKey]);
    expect(rotated.open(sealedBefore, 'ctx')).toBe('secret');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('secret', 'ctx'))).toBe(true);
  });
});
