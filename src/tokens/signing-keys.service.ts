import { createHash, createSecretKey, randomBytes } from 'node:crypto';

import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { JwtAlgorithm, TokenSettings } from '../config/tokens.settings';
import { TransactionHost } from '../database/transaction-host';
import {
  generateMaterial,
  isPublicKeyPem,
  KeyMaterial,
  materialFor,
  publicKeyPem,
  publicMaterialFor,
  PublishedJwk,
  RefreshTokenKeyMaterial,
} from './key-material';
import { SigningKeysRepository, StoredSigningKey } from './signing-keys.repository';

/** How long a retired key stays accepted: until every token it signed has expired. */
export function keyRetentionMs(tokens: Pick<TokenSettings, 'accessTokenTtl' | 'refreshTokenTtl'>): number {
  return Math.max(tokens.accessTokenTtl, tokens.refreshTokenTtl) * 1000;
}

/** How often every replica re-reads the stored keys, to pick up a rotation made elsewhere. */
export const KEY_RELOAD_INTERVAL_MS = 60_000;
/** A token with an unknown kid triggers a re-read at most this often (a forged kid costs little). */
export const UNKNOWN_KID_RELOAD_INTERVAL_MS = 5_000;

/**
 * Owns the keys that sign and verify tokens. A configured key (JWT_PRIVATE_KEY, JWT_SECRET) is
 * used as given, with JWT_PREVIOUS_PUBLIC_KEYS still accepted; otherwise the service generates
 * one and keeps it in the database, so restarts and replicas sign with the same key. Stored keys
 * are re-read every minute and whenever a token names an unknown kid, so a rotation made by
 * `npm run keys:rotate` or another replica is picked up without a restart.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private active!: KeyMaterial;
  private refresh!: RefreshTokenKeyMaterial;
  private verification = new Map<string, KeyMaterial>();
  private timer: NodeJS.Timeout | undefined;
  private lastUnknownKidReload = 0;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly settings: TokenSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly keys: SigningKeysRepository,
    private readonly tx: TransactionHost,
  ) {}

  private get configured(): string | undefined {
    const { algorithm, privateKey, secret } = this.settings;
    return algorithm === 'HS256' ? secret : privateKey;
  }

  async onModuleInit(): Promise<void> {
    const { algorithm, previousPublicKeys } = this.settings;
    this.refresh = await this.loadOrGenerateRefreshTokenKey();
    const configured = this.configured;
    if (configured !== undefined) {
      const previous = previousPublicKeys.map((pem) => publicMaterialFor(algorithm, pem));
      this.apply([materialFor(algorithm, configured, null), ...previous]);
      return;
    }
    this.apply(await this.loadOrGenerateStored(algorithm));
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'signing keys reload failed'));
    }, KEY_RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get signingKey(): KeyMaterial {
    return this.active;
  }

  /**
   * Signs and verifies refresh tokens, whatever JWT_ALGORITHM is. Stored, never configured: it
   * guards nothing on its own (a refresh token is honoured only while its jti hash is the live
   * one of its session), and rotating the signing keys must not sign everybody out.
   */
  get refreshTokenKey(): RefreshTokenKeyMaterial {
    return this.refresh;
  }

  /** The key that may verify a token with this kid, or undefined (unknown, or retired too long ago). */
  verificationKey(kid: string): KeyMaterial | undefined {
    const key = this.verification.get(kid);
    if (!key || (key.retiredAt !== null && key.retiredAt.getTime() + keyRetentionMs(this.settings) <= Date.now()))
      return undefined;
    return key;
  }

  /**
   * For a kid this replica does not know: another replica or the rotation command may have
   * created it. Re-reads the stored keys, at most every few seconds, then looks again.
   */
  async verificationKeyAfterReload(kid: string): Promise<KeyMaterial | undefined> {
    if (this.configured !== undefined || Date.now() - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_INTERVAL_MS) {
      return undefined;
    }
    this.lastUnknownKidReload = Date.now();
    try {
      await this.reload();
    } catch (error) {
      this.logger.warn({ err: error }, 'signing keys reload failed');
      return undefined;
    }
    return this.verificationKey(kid);
  }

  /** Public keys to publish (empty for HS256), the signing key first. */
  publishedKeys(): PublishedJwk[] {
    return [...this.verification.values()].flatMap((key) =>
      key.publicJwk && this.verificationKey(key.kid) ? [key.publicJwk] : [],
    );
  }

  /** Re-reads the stored keys (no-op for configured keys); concurrent calls share one read. */
  reload(): Promise<void> {
    if (this.configured !== undefined) return Promise.resolve();
    this.reloading ??= this.readStored().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async readStored(): Promise<void> {
    const stored = await this.keys.findAllWithMaterial(this.settings.algorithm);
    // A table without a live key (someone deleted it) must not leave this replica unable to sign.
    if (!stored.some((key) => key.retiredAt === null)) return;
    const before = this.active.kid;
    this.apply(this.usable(stored));
    if (this.active.kid !== before) this.logger.info({ kid: this.active.kid, previous: before }, 'signing key rotated');
  }

  private apply(keys: KeyMaterial[]): void {
    const verification = new Map<string, KeyMaterial>();
    for (const key of keys) verification.set(key.kid, key);
    this.verification = verification;
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
    return this.usable(stored);
  }

  /**
   * Generated once, under the key-generation lock so that replicas starting together agree on it.
   * Under the same lock, first, the stored keys not yet encrypted with the current data key are
   * (those of an earlier version, or of a previous DATA_ENCRYPTION_KEY).
   */
  private async loadOrGenerateRefreshTokenKey(): Promise<RefreshTokenKeyMaterial> {
    const stored = await this.tx.run(async () => {
      await this.keys.lockForGeneration();
      const sealed = await this.keys.sealStoredKeys();
      if (sealed.length > 0) this.logger.info({ rows: sealed }, 'stored keys encrypted with the current data key');
      const existing = await this.keys.findRefreshTokenKey();
      if (existing) return existing;
      const secret = randomBytes(48).toString('base64url');
      const key = { kid: `refresh-${createHash('sha256').update(secret).digest('base64url').slice(0, 16)}`, secret };
      await this.keys.insertRefreshTokenKey(key);
      return key;
    });
    return { kid: stored.kid, secret: createSecretKey(Buffer.from(stored.secret)) };
  }

  /** The live key first, then retired keys whose tokens may still be valid; reuses parsed keys. */
  private usable(stored: StoredSigningKey[]): KeyMaterial[] {
    const horizon = Date.now() - keyRetentionMs(this.settings);
    return stored
      .filter((key) => key.retiredAt === null || key.retiredAt.getTime() > horizon)
      .sort(activeFirst)
      .map((key) => {
        const known = this.verification.get(key.kid);
        return known && known.signingKey
          ? { ...known, retiredAt: key.retiredAt }
          : materialFor(key.algorithm as JwtAlgorithm, key.material, key.retiredAt);
      });
  }
}

function activeFirst(a: StoredSigningKey, b: StoredSigningKey): number {
  if ((a.retiredAt === null) !== (b.retiredAt === null)) return a.retiredAt === null ? -1 : 1;
  return b.createdAt.getTime() - a.createdAt.getTime();
}

/**
 * The rotation itself (used by `npm run keys:rotate`): a new key signs from now on, every other
 * key of the algorithm is retired (still accepted until its tokens expire). A retired RS256 or
 * ES256 key keeps only its public half: nothing signs with it again, so its private key would only
 * be a liability in the database and its backups (a replica that has not re-read its keys yet
 * still holds it in memory for up to a minute). Keys retired longer than `retentionMs` ago, whose
 * tokens have all expired, are deleted. Serialized with key generation by the same advisory lock.
 */
export async function rotateStoredSigningKey(
  tx: TransactionHost,
  keys: SigningKeysRepository,
  algorithm: JwtAlgorithm,
  retentionMs: number,
): Promise<{ kid: string; retired: string[]; deleted: string[] }> {
  return tx.run(async () => {
    await keys.lockForGeneration();
    await keys.sealStoredKeys();
    const now = new Date();
    const deleted = await keys.deleteRetiredBefore(algorithm, new Date(now.getTime() - retentionMs));
    const material = generateMaterial(algorithm);
    const kid = materialFor(algorithm, material, null).kid;
    await keys.insert({ kid, algorithm, material });
    const retired = await keys.retireAllExcept(algorithm, kid, now);
    if (algorithm !== 'HS256') {
      for (const key of await keys.findAllWithMaterial(algorithm)) {
        if (key.retiredAt !== null && !isPublicKeyPem(key.material)) {
          await keys.replaceMaterial(key.kid, publicKeyPem(key.material));
        }
      }
    }
    return { kid, retired, deleted };
  });
}
