import { webcrypto } from 'node:crypto';

import { decodeJwt, decodeProtectedHeader, importPKCS8, JWTPayload, SignJWT } from 'jose';

import { DataCipher } from '../../src/secrets/data-cipher';
import { TestAppHandle } from './test-app';

type CryptoKey = webcrypto.CryptoKey;

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

/**
 * A key as the service stored it, decrypted with the app's data key: the test owns the database
 * and its key, as an operator does. Someone who only reads the database gets the sealed value.
 */
export function openStored(t: TestAppHandle, table: 'signing_keys' | 'refresh_token_keys', kid: string, value: string): string {
  return new DataCipher(t.settings.secrets.dataEncryptionKey as Buffer).open(value, `${table} ${kid}`);
}

/** The private key the service generated and stored (the test owns the database and its data key). */
export async function storedPrivateKey(t: TestAppHandle, kid?: string): Promise<{ kid: string; key: CryptoKey }> {
  const [row] = await t.dataSource.query<{ kid: string; material: string }[]>(
    kid === undefined
      ? 'SELECT kid, material FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1'
      : 'SELECT kid, material FROM signing_keys WHERE kid = $1',
    kid === undefined ? [] : [kid],
  );
  return { kid: row.kid, key: await importPKCS8(openStored(t, 'signing_keys', row.kid, row.material), 'RS256') };
}

/** Signs `claims` as given (iat and exp included) with a key the test holds. */
export function signClaims(claims: Claims, key: CryptoKey | Uint8Array, kid: string, alg = 'RS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

/** The HMAC key the service generated for refresh tokens (the test owns the database and its data key). */
export async function storedRefreshTokenKey(t: TestAppHandle): Promise<{ kid: string; key: Uint8Array }> {
  const [row] = await t.dataSource.query<{ kid: string; secret: string }[]>('SELECT kid, secret FROM refresh_token_keys');
  return { kid: row.kid, key: new Uint8Array(Buffer.from(openStored(t, 'refresh_token_keys', row.kid, row.secret))) };
}
