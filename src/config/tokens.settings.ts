import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

import { setting, SettingRefused, SettingsTable } from './setting';

export type JwtAlgorithm = 'RS256' | 'ES256' | 'HS256';

/** How tokens are signed and how long they live. */
export class TokenSettings {
  declare readonly algorithm: JwtAlgorithm;
  /** PEM private key for RS256/ES256; undefined: a generated key kept in the database. */
  declare readonly privateKey: string | undefined;
  /** HS256 secret; undefined: a generated secret kept in the database. */
  declare readonly secret: string | undefined;
  declare readonly issuer: string;
  /** aud of access tokens, required on verification; undefined: no aud. */
  declare readonly audience: string | undefined;
  /** Public keys (PEM) of keys that signed before JWT_PRIVATE_KEY: still published and accepted. */
  declare readonly previousPublicKeys: string[];
  /** Seconds. */
  declare readonly accessTokenTtl: number;
  /** Seconds. */
  declare readonly refreshTokenTtl: number;
}

const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;
const PLACEHOLDER_SECRETS = ['secret', 'changeme', 'change-me', 'password', 'jwt_secret', 'your-secret'];

const unescapePem = (value: string) => value.replace(/\\n/g, '\n').trim();

export const TOKEN_SETTINGS: SettingsTable<TokenSettings> = {
  algorithm: setting.oneOf<JwtAlgorithm>(
    'JWT_ALGORITHM',
    ['RS256', 'ES256', 'HS256'],
    'RS256',
    'Signing algorithm of access tokens',
  ),
  privateKey: setting.optional({
    env: 'JWT_PRIVATE_KEY',
    doc: 'PEM private key for RS256 (RSA ≥ 2048 bits) or ES256 (P-256); \\n escapes accepted. Unset outside production: generated and stored',
    parse: unescapePem,
  }),
  secret: setting.optional({
    env: 'JWT_SECRET',
    doc: 'HS256 secret, at least 32 random bytes. Unset outside production: generated and stored',
    parse: (value) => {
      if (Buffer.byteLength(value) < 32 || PLACEHOLDER_SECRETS.includes(value.toLowerCase())) {
        throw new SettingRefused('must be at least 32 bytes of random data (not a placeholder)');
      }
      return value;
    },
  }),
  issuer: setting.text('JWT_ISSUER', 'identity-service', 'iss claim of access tokens, checked on verification'),
  audience: setting.optional({
    env: 'JWT_AUDIENCE',
    doc: 'aud claim of access tokens (e.g. https://api.example.com), then required on verification. Unset: no aud',
    parse: (value) => value,
  }),
  previousPublicKeys: {
    env: 'JWT_PREVIOUS_PUBLIC_KEYS',
    fallback: '',
    doc: 'PEM public keys of keys that signed before JWT_PRIVATE_KEY: still published and accepted',
    parse: (value) => {
      if (value === '') return [];
      const pems = unescapePem(value).match(PUBLIC_KEY_PEM);
      if (!pems) throw new SettingRefused('must hold one or more PEM public keys (-----BEGIN PUBLIC KEY-----)');
      return pems;
    },
  },
  accessTokenTtl: setting.duration('ACCESS_TOKEN_TTL', '1h', 'Access-token lifetime: seconds, or 15m, 1h, 30d'),
  refreshTokenTtl: setting.duration('REFRESH_TOKEN_TTL', '30d', 'Refresh-token lifetime (same format)'),
};

/** Problems the algorithm and keys have together; the production refusals are in settings.ts. */
export function checkTokenKeys(tokens: TokenSettings): string[] {
  const problems: string[] = [];
  const { algorithm, privateKey, previousPublicKeys } = tokens;
  if (algorithm !== 'HS256' && privateKey !== undefined) {
    const problem = privateKeyProblem(privateKey, algorithm);
    if (problem) problems.push(`JWT_PRIVATE_KEY ${problem}`);
  }
  if (previousPublicKeys.length > 0 && algorithm === 'HS256') {
    problems.push('JWT_PREVIOUS_PUBLIC_KEYS cannot be used with JWT_ALGORITHM=HS256 (it has no public keys)');
  } else {
    previousPublicKeys.forEach((pem, index) => {
      const problem = publicKeyProblem(pem, algorithm);
      if (problem) problems.push(`JWT_PREVIOUS_PUBLIC_KEYS key ${index + 1} ${problem}`);
    });
  }
  return problems;
}

function publicKeyProblem(pem: string, algorithm: JwtAlgorithm): string | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return 'is not a readable PEM public key';
  }
  return keyTypeProblem(key, algorithm);
}

function privateKeyProblem(pem: string, algorithm: JwtAlgorithm): string | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'is not a readable PEM private key';
  }
  if (algorithm === 'RS256' && key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    return 'is too weak: RS256 needs an RSA key of at least 2048 bits';
  }
  return keyTypeProblem(key, algorithm);
}

function keyTypeProblem(key: KeyObject, algorithm: JwtAlgorithm): string | undefined {
  if (algorithm === 'RS256' && key.asymmetricKeyType !== 'rsa') return 'must be an RSA key for RS256';
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    return 'must be an EC P-256 key for ES256';
  }
  return undefined;
}

/**
 * Why a secret is guessable, or undefined: a repeated string (`abcabc…`), a run (`abcdef…`,
 * `123456…`), or too little entropy for its length, estimated from how evenly its characters
 * spread (at least 128 bits). 32 random bytes in base64 or hex pass with a wide margin.
 */
export function secretWeakness(secret: string): string | undefined {
  if (/^([\s\S]+?)\1+$/.test(secret)) return 'a repeated string';
  const codes = [...secret].map((char) => char.codePointAt(0) as number);
  const steps = codes.slice(2).filter((code, i) => code - codes[i + 1] === codes[i + 1] - codes[i]).length;
  if (steps >= (codes.length - 2) / 2) return 'a run of characters';
  const counts = new Map<number, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  const bitsPerCharacter = [...counts.values()].reduce((sum, count) => {
    const p = count / codes.length;
    return sum - p * Math.log2(p);
  }, 0);
  const bits = Math.floor(bitsPerCharacter * codes.length);
  return bits < 128 ? `low-entropy (about ${bits} bits; at least 128 are needed)` : undefined;
}
