import { webcrypto } from 'node:crypto';

import { decodeJwt, decodeProtectedHeader, importPKCS8, JWTPayload, SignJWT } from 'jose';

type CryptoKey = webcrypto.CryptoKey;
import { TestAppHandle } from './test-app';

export type Claims = JWTPayload & Record<string, unknown>;

export function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function claimsOf(token: string): Claims {
  return decodeJwt<Record<string, unknown>>(token);
}

export function kidOf(token: string): string {
  return decodeProtectedHeader(token).kid as string;
}

/** The private key the service generated and stored (the test owns the database). */
export async function storedPrivateKey(t: TestAppHandle, kid?: string): Promise<{ kid: string; key: CryptoKey }> {
  const [row] = await t.dataSource.query<{ kid: string; material: string }[]>(
    kid === undefined
      ? 'SELECT kid, material FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1'
      : 'SELECT kid, material FROM signing_keys WHERE kid = $1',
    kid === undefined ? [] : [kid],
  );
  return { kid: row.kid, key: await importPKCS8(row.material, 'RS256') };
}

/** Signs `claims` as given (iat and exp included) with a key the test holds. */
export function signClaims(claims: Claims, key: CryptoKey | Uint8Array, kid: string, alg = 'RS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

/** The HMAC key the service generated for refresh tokens (the test owns the database). */
export async function storedRefreshTokenKey(t: TestAppHandle): Promise<{ kid: string; key: Uint8Array }> {
  const [row] = await t.dataSource.query<{ kid: string; secret: string }[]>('SELECT kid, secret FROM refresh_token_keys');
  return { kid: row.kid, key: new Uint8Array(Buffer.from(row.secret)) };
}
