import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  JsonWebKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, JwtAlgorithm } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionHost } from '../database/transaction-host';
import { SigningKeysRepository, StoredSigningKey } from './signing-keys.repository';

export interface KeyMaterial {
  kid: string;
  algorithm: JwtAlgorithm;
  /** PEM private key (RS256, ES256) or the shared secret (HS256). */
  signingSecret: string;
  /** PEM public key (RS256, ES256) or the shared secret (HS256). */
  verificationSecret: string;
  /** The public JWK to publish; undefined for HS256. */
  publicJwk: (JsonWebKey & { kid: string; alg: string; use: 'sig' }) | undefined;
  retiredAt: Date | null;
}

/**
 * Owns the keys that sign and verify tokens. A configured key (JWT_PRIVATE_KEY, JWT_SECRET) is
 * used as given; otherwise the service generates one and keeps it in the database, so restarts
 * and replicas sign with the same key.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private active!: KeyMaterial;
  private readonly verification = new Map<string, KeyMaterial>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeysRepository,
    private readonly tx: TransactionHost,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  get signingKey(): KeyMaterial {
    return this.active;
  }

  /** The key that may verify a token with this kid, or undefined. */
  verificationKey(kid: string): KeyMaterial | undefined {
    return this.verification.get(kid);
  }

  /** Public keys to publish (empty for HS256). */
  publishedKeys(): NonNullable<KeyMaterial['publicJwk']>[] {
    return [...this.verification.values()].flatMap((key) => (key.publicJwk ? [key.publicJwk] : []));
  }

  private async load(): Promise<void> {
    const { algorithm, privateKey, secret } = this.config.jwt;
    const configured = algorithm === 'HS256' ? secret : privateKey;
    const keys =
      configured !== undefined ? [materialFor(algorithm, configured, null)] : await this.loadOrGenerateStored(algorithm);
    this.verification.clear();
    for (const key of keys) this.verification.set(key.kid, key);
    this.active = keys[0];
  }

  /** Newest first; generates the first key under an advisory lock so replicas agree on it. */
  private async loadOrGenerateStored(algorithm: JwtAlgorithm): Promise<KeyMaterial[]> {
    const stored = await this.tx.run(async () => {
      await this.keys.lockForGeneration();
      const existing = await this.keys.findAllWithMaterial(algorithm);
      if (existing.some((key) => key.retiredAt === null)) return existing;
      const material = generateMaterial(algorithm);
      const kid = materialFor(algorithm, material, null).kid;
      await this.keys.insert({ kid, algorithm, material });
      return this.keys.findAllWithMaterial(algorithm);
    });
    const horizon = Date.now() - Math.max(this.config.accessTokenTtl, this.config.refreshTokenTtl) * 1000;
    return stored
      .filter((key) => key.retiredAt === null || key.retiredAt.getTime() > horizon)
      .sort(activeFirst)
      .map((key) => materialFor(algorithm, key.material, key.retiredAt));
  }
}

function activeFirst(a: StoredSigningKey, b: StoredSigningKey): number {
  if ((a.retiredAt === null) !== (b.retiredAt === null)) return a.retiredAt === null ? -1 : 1;
  return b.createdAt.getTime() - a.createdAt.getTime();
}

export function generateMaterial(algorithm: JwtAlgorithm): string {
  if (algorithm === 'HS256') return randomBytes(48).toString('base64url');
  const { privateKey } =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function materialFor(algorithm: JwtAlgorithm, material: string, retiredAt: Date | null): KeyMaterial {
  if (algorithm === 'HS256') {
    const kid = createHash('sha256').update(material).digest('base64url').slice(0, 16);
    return { kid, algorithm, signingSecret: material, verificationSecret: material, publicJwk: undefined, retiredAt };
  }
  const publicKey: KeyObject = createPublicKey(createPrivateKey(material));
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  return {
    kid,
    algorithm,
    signingSecret: material,
    verificationSecret: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...jwk, kid, alg: algorithm, use: 'sig' },
    retiredAt,
  };
}

/** RFC 7638 JWK thumbprint: a kid that anyone holding the public key can recompute. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
