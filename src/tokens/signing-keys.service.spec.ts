import { createPublicKey } from 'node:crypto';

import { Logger } from 'pino';

import { TokenSettings } from '../config/tokens.settings';
import { TransactionHost } from '../database/transaction-host';
import { generateMaterial, materialFor } from './key-material';
import { SigningKeysRepository, StoredSigningKey } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

const HOUR = 3600;

function stored(material: string, createdAt: Date, retiredAt: Date | null): StoredSigningKey {
  return { kid: materialFor('ES256', material, null).kid, algorithm: 'ES256', material, createdAt, retiredAt };
}

function setUp(initial: StoredSigningKey[]) {
  let rows = initial;
  let reads = 0;
  const refreshKeys: { kid: string; secret: string }[] = [];
  const repository = {
    lockForGeneration: () => Promise.resolve(),
    sealStoredKeys: () => Promise.resolve([]),
    findAllWithMaterial: () => {
      reads++;
      return Promise.resolve(rows);
    },
    insert: () => Promise.reject(new Error('not expected')),
    findRefreshTokenKey: () => Promise.resolve(refreshKeys[0]),
    insertRefreshTokenKey: (key: { kid: string; secret: string }) => {
      refreshKeys.push(key);
      return Promise.resolve();
    },
  } as unknown as SigningKeysRepository;
  const tx = { run: <T>(work: () => Promise<T>) => work() } as unknown as TransactionHost;
  const settings = {
    accessTokenTtl: HOUR,
    refreshTokenTtl: 2 * HOUR,
    algorithm: 'ES256',
    privateKey: undefined,
    secret: undefined,
    previousPublicKeys: [],
  } as unknown as TokenSettings;
  const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
  const service = new SigningKeysService(settings, logger, repository, tx);
  return { service, setRows: (next: StoredSigningKey[]) => (rows = next), reads: () => reads, refreshKeys };
}

describe('SigningKeysService', () => {
  const now = Date.now();
  const oldMaterial = generateMaterial('ES256');
  const newMaterial = generateMaterial('ES256');

  it('keeps a retired key for verification until the longest token lifetime has passed, then drops it', async () => {
    const recent = stored(oldMaterial, new Date(now - 3 * HOUR * 1000), new Date(now - HOUR * 1000));
    const current = stored(newMaterial, new Date(now - HOUR * 1000), null);
    const { service, setRows } = setUp([recent, current]);
    await service.onModuleInit();
    try {
      expect(service.signingKey.kid).toBe(current.kid);
      expect(service.verificationKey(recent.kid)).toBeDefined();
      expect(service.publishedKeys().map((key) => key.kid)).toEqual([current.kid, recent.kid]);

      setRows([{ ...recent, retiredAt: new Date(now - 2 * HOUR * 1000 - 1000) }, current]);
      await service.reload();
      expect(service.verificationKey(recent.kid)).toBeUndefined();
      expect(service.publishedKeys().map((key) => key.kid)).toEqual([current.kid]);
    } finally {
      service.onModuleDestroy();
    }
  });

  it('re-reads the keys for an unknown kid, at most once every few seconds, and then signs with the new key', async () => {
    const first = stored(oldMaterial, new Date(now - HOUR * 1000), null);
    const { service, setRows, reads } = setUp([first]);
    await service.onModuleInit();
    try {
      const readsAfterBoot = reads();
      expect(await service.verificationKeyAfterReload('forged-kid')).toBeUndefined();
      expect(reads()).toBe(readsAfterBoot + 1);

      const rotated = stored(newMaterial, new Date(now), null);
      setRows([rotated, { ...first, retiredAt: new Date(now) }]);
      // Within the interval a second unknown kid does not hit the database.
      expect(await service.verificationKeyAfterReload(rotated.kid)).toBeUndefined();
      expect(reads()).toBe(readsAfterBoot + 1);

      await service.reload();
      expect(service.signingKey.kid).toBe(rotated.kid);
      expect(service.verificationKey(first.kid)?.retiredAt).toEqual(new Date(now));
    } finally {
      service.onModuleDestroy();
    }
  });

  it('starts with a retired key stored as its public half: verifies with it and publishes it, never signs with it', async () => {
    const publicHalf = createPublicKey(oldMaterial).export({ type: 'spki', format: 'pem' }).toString();
    const retired = stored(publicHalf, new Date(now - 2 * HOUR * 1000), new Date(now - HOUR * 1000));
    const current = stored(newMaterial, new Date(now - HOUR * 1000), null);
    expect(retired.kid).toBe(stored(oldMaterial, new Date(now), null).kid);
    const { service } = setUp([retired, current]);
    await service.onModuleInit();
    service.onModuleDestroy();
    expect(service.signingKey.kid).toBe(current.kid);
    expect(service.verificationKey(retired.kid)?.signingKey).toBeUndefined();
    expect(service.verificationKey(retired.kid)?.verificationKey.asymmetricKeyType).toBe('ec');
    expect(service.publishedKeys().map((key) => key.kid)).toEqual([current.kid, retired.kid]);
  });

  it('publishes public members only', async () => {
    const { service } = setUp([stored(oldMaterial, new Date(now), null)]);
    await service.onModuleInit();
    service.onModuleDestroy();
    expect(Object.keys(service.publishedKeys()[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
  it('generates the refresh-token key once, then uses the stored one (a restart, another replica)', async () => {
    const first = setUp([stored(newMaterial, new Date(now), null)]);
    await first.service.onModuleInit();
    first.service.onModuleDestroy();
    expect(first.refreshKeys).toHaveLength(1);
    const generated = first.service.refreshTokenKey;
    expect(generated.kid).toBe(first.refreshKeys[0].kid);
    expect(generated.kid).not.toContain(first.refreshKeys[0].secret);
    expect(generated.secret.symmetricKeySize).toBe(64);

    const second = setUp([stored(newMaterial, new Date(now), null)]);
    second.refreshKeys.push(first.refreshKeys[0]);
    await second.service.onModuleInit();
    second.service.onModuleDestroy();
    expect(second.refreshKeys).toHaveLength(1);
    expect(second.service.refreshTokenKey.kid).toBe(generated.kid);
    expect(second.service.refreshTokenKey.secret.equals(generated.secret)).toBe(true);
  });
});
