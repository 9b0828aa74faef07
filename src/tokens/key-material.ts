import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  JsonWebKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';

import { JwtAlgorithm } from '../config/tokens.settings';

/** A public key as published in the JWKS: public members only, never d, p, q, dp, dq, qi. */
export interface PublishedJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface KeyMaterial {
  kid: string;
  algorithm: JwtAlgorithm;
  /** Private key (RS256, ES256) or the shared secret (HS256); undefined for a verify-only key. */
  signingKey: KeyObject | undefined;
  /** Public key (RS256, ES256) or the shared secret (HS256), parsed once. */
  verificationKey: KeyObject;
  /** The public JWK to publish; undefined for HS256. */
  publicJwk: PublishedJwk | undefined;
  /** When a newer key took over signing; null for the signing key and configured previous keys. */
  retiredAt: Date | null;
}

/** The HMAC key of refresh tokens (HS256), never published. */
export interface RefreshTokenKeyMaterial {
  kid: string;
  secret: KeyObject;
}

export const isPublicKeyPem = (material: string) => material.startsWith('-----BEGIN PUBLIC KEY-----');

export const publicKeyPem = (privateKeyPem: string) =>
  createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();

export function generateMaterial(algorithm: JwtAlgorithm): string {
  if (algorithm === 'HS256') return randomBytes(48).toString('base64url');
  const { privateKey } =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Parses stored or configured material: a private key, a secret, or a retired key's public key. */
export function materialFor(algorithm: JwtAlgorithm, material: string, retiredAt: Date | null): KeyMaterial {
  if (isPublicKeyPem(material)) return { ...publicMaterialFor(algorithm, material), retiredAt };
  if (algorithm === 'HS256') {
    const kid = createHash('sha256').update(material).digest('base64url').slice(0, 16);
    const secret = createSecretKey(Buffer.from(material));
    return { kid, algorithm, signingKey: secret, verificationKey: secret, publicJwk: undefined, retiredAt };
  }
  const privateKey = createPrivateKey(material);
  return { ...publicMaterialFor(algorithm, createPublicKey(privateKey)), signingKey: privateKey, retiredAt };
}

/** A verify-only key (JWT_PREVIOUS_PUBLIC_KEYS). */
export function publicMaterialFor(algorithm: JwtAlgorithm, publicKey: string | KeyObject): KeyMaterial {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const jwk = key.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  return {
    kid,
    algorithm,
    signingKey: undefined,
    verificationKey: key,
    publicJwk: toPublishedJwk(jwk, kid, algorithm),
    retiredAt: null,
  };
}

function toPublishedJwk(jwk: JsonWebKey, kid: string, alg: string): PublishedJwk {
  const base = { kty: jwk.kty as string, kid, alg, use: 'sig' as const };
  return jwk.kty === 'RSA' ? { ...base, n: jwk.n, e: jwk.e } : { ...base, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/** RFC 7638 JWK thumbprint: a kid that anyone holding the public key can recompute. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
