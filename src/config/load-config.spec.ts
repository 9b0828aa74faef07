import { generateKeyPairSync } from 'node:crypto';
import { ConfigValidationError, loadConfig } from './load-config';

function publicPem(type: 'rsa' | 'ec'): string {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
}

describe('loadConfig: JWT_PREVIOUS_PUBLIC_KEYS', () => {
  it('is empty when unset', () => {
    expect(loadConfig({}).jwt.previousPublicKeys).toEqual([]);
  });

  it('reads several PEM public keys, with \\n escapes as a one-line variable holds them', () => {
    const [a, b] = [publicPem('rsa'), publicPem('rsa')];
    const config = loadConfig({ JWT_PREVIOUS_PUBLIC_KEYS: `${a}${b}`.replace(/\n/g, '\\n') });
    expect(config.jwt.previousPublicKeys).toEqual([a.trim(), b.trim()]);
  });

  it('refuses text without a PEM public key, an unreadable key, a key of the wrong type, and any key with HS256', () => {
    expect(problemsOf({ JWT_PREVIOUS_PUBLIC_KEYS: 'not a key' })).toEqual([expect.stringContaining('JWT_PREVIOUS_PUBLIC_KEYS')]);
    expect(problemsOf({ JWT_PREVIOUS_PUBLIC_KEYS: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' })).toEqual([
      expect.stringContaining('not a readable PEM public key'),
    ]);
    expect(problemsOf({ JWT_PREVIOUS_PUBLIC_KEYS: publicPem('ec') })).toEqual([expect.stringContaining('RSA')]);
    expect(problemsOf({ JWT_ALGORITHM: 'ES256', JWT_PREVIOUS_PUBLIC_KEYS: publicPem('rsa') })).toEqual([
      expect.stringContaining('P-256'),
    ]);
    expect(problemsOf({ JWT_ALGORITHM: 'HS256', JWT_PREVIOUS_PUBLIC_KEYS: publicPem('rsa') })).toEqual([
      expect.stringContaining('HS256'),
    ]);
  });
});
