import { generateKeyPairSync, randomBytes } from 'node:crypto';

import { loadSettings } from './settings';
import { settingsProblems } from './settings-problems';

const problemsOf = settingsProblems;

function publicPem(type: 'rsa' | 'ec'): string {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

const pem = (type: 'rsa' | 'ec', options: { modulusLength?: number; namedCurve?: string }): string => {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 })
      : generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
};

/** A production set-up that passes every refusal: the tests take one thing away at a time. */
let productionKey: string | undefined;
const production = (): Record<string, string> => ({
  NODE_ENV: 'production',
  JWT_PRIVATE_KEY: (productionKey ??= pem('rsa', { modulusLength: 2048 })),
  DATABASE_URL: 'postgres://identity@db.internal/identity',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PUBLIC_URL: 'https://app.example.com',
  WEBAUTHN_RP_ID: 'example.com',
  WEBAUTHN_ORIGINS: 'https://app.example.com',
});

describe('loadSettings', () => {
  it('applies the documented defaults to an empty environment', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      server: { port: 8080, host: '0.0.0.0', nodeEnv: 'development', trustProxy: false, logLevel: 'info' },
      database: { url: undefined, dataDir: './data', migrate: true },
      passwords: { bcryptCost: 12 },
      tokens: {
        accessTokenTtl: 3600,
        refreshTokenTtl: 30 * 86400,
        algorithm: 'RS256',
        privateKey: undefined,
        secret: undefined,
        issuer: 'identity-service',
      },
      sessions: { maxLifetime: 90 * 86400, reuseGraceSeconds: 0 },
      login: { hideUnknownAccounts: false },
      organizations: { maxMembers: undefined },
      mail: { dropDir: 'data/mail' },
    });
  });

  it('keeps an empty DATA_DIR as "in memory", with no directory for development emails', () => {
    expect(loadSettings({ DATA_DIR: '' })).toMatchObject({ database: { dataDir: '' }, mail: { dropDir: undefined } });
  });

  it('reads durations in seconds or with a unit', () => {
    const settings = loadSettings({ ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '7d', SESSION_MAX_LIFETIME: '30d' });
    expect(settings.tokens).toMatchObject({ accessTokenTtl: 900, refreshTokenTtl: 604800 });
    expect(settings.sessions.maxLifetime).toBe(30 * 86400);
  });

  it('keeps finished rows 30 days (sessions), 7 days (tokens, outbox) and 90 days (invitations), audit events for ever, by default', () => {
    expect(loadSettings({}).retention).toEqual({
      sessionSeconds: 30 * 86400,
      emailTokenSeconds: 7 * 86400,
      outboxSeconds: 7 * 86400,
      invitationSeconds: 90 * 86400,
      auditSeconds: undefined,
      sweepIntervalSeconds: 3600,
      batchSize: 1000,
    });
    expect(loadSettings({}).sessions.maxPerUser).toBe(100);
  });

  it('refuses retention settings that are not durations, an AUDIT_RETENTION under a day, and a session cap of 0', () => {
    const problems = problemsOf({
      SESSION_RETENTION: 'forever',
      OUTBOX_RETENTION: '0',
      AUDIT_RETENTION: '30',
      RETENTION_SWEEP_INTERVAL: '1w',
      RETENTION_BATCH_SIZE: '0',
      MAX_SESSIONS_PER_USER: '0',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'MAX_SESSIONS_PER_USER',
      'SESSION_RETENTION',
      'OUTBOX_RETENTION',
      'AUDIT_RETENTION',
      'RETENTION_SWEEP_INTERVAL',
      'RETENTION_BATCH_SIZE',
    ]);
    expect(problems).toContainEqual('AUDIT_RETENTION must be at least 1d (got "30")');
    expect(loadSettings({ AUDIT_RETENTION: '400d' }).retention.auditSeconds).toBe(400 * 86400);
  });

  it('lists every bad variable in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      BCRYPT_COST: '31',
      JWT_ALGORITHM: 'none',
      DB_MIGRATE: 'maybe',
      ACCESS_TOKEN_TTL: '-5',
      DATABASE_URL: 'mysql://localhost/db',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(7);
    for (const name of ['PORT', 'BCRYPT_COST', 'JWT_ALGORITHM', 'DB_MIGRATE', 'ACCESS_TOKEN_TTL', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(problems.some((problem) => problem.startsWith(name))).toBe(true);
    }
  });

  it('boots in production with a server database, a data key, an https PUBLIC_URL and a configured signing key', () => {
    expect(problemsOf(production())).toEqual([]);
  });

  it('refuses to boot in production without a signing key', () => {
    const withoutKey = { ...production(), JWT_PRIVATE_KEY: '' };
    expect(problemsOf(withoutKey)).toEqual([expect.stringContaining('JWT_PRIVATE_KEY')]);
    expect(problemsOf({ ...withoutKey, JWT_ALGORITHM: 'HS256' })).toEqual([expect.stringContaining('JWT_SECRET')]);
  });

  it('refuses an unsafe production set-up with every reason in one message', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_ALGORITHM: 'HS256',
      JWT_SECRET: 'abcd'.repeat(12),
      PUBLIC_URL: 'http://app.example.com',
      BCRYPT_COST: '8',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is required .*embedded database/),
      expect.stringMatching(/^DATA_ENCRYPTION_KEY .* is required/),
      expect.stringMatching(/^PUBLIC_URL must be an https:\/\/ URL/),
      expect.stringMatching(/^JWT_SECRET is a repeated string/),
      expect.stringMatching(/^BCRYPT_COST/),
      expect.stringMatching(/^WEBAUTHN_RP_ID \(localhost\) must be the host of each of WEBAUTHN_ORIGINS/),
      expect.stringMatching(/^WEBAUTHN_ORIGINS must be https:\/\/ origins/),
    ]);
    // One message, every reason: the operator fixes the deployment in one round.
    expect(() => loadSettings({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL[\s\S]*DATA_ENCRYPTION_KEY[\s\S]*JWT_PRIVATE_KEY/,
    );
  });

  it('allows an http PUBLIC_URL in production for localhost only', () => {
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'https://app.example.com']) {
      expect(problemsOf({ ...production(), PUBLIC_URL: url })).toEqual([]);
    }
    expect(problemsOf({ ...production(), PUBLIC_URL: 'http://localhost.example.com' })).toEqual([
      expect.stringContaining('PUBLIC_URL'),
    ]);
  });

  it('refuses production without PUBLIC_URL: its email links would point at localhost', () => {
    const withoutPublicUrl = production();
    delete withoutPublicUrl.PUBLIC_URL;
    expect(problemsOf(withoutPublicUrl)).toEqual([expect.stringMatching(/^PUBLIC_URL is required when NODE_ENV=production/)]);
  });

  it("serves the service's own pages by default only where PUBLIC_URL is unset, and as told by HOSTED_PAGES", () => {
    expect(loadSettings({}).mail.publicUrl).toBeUndefined();
    expect(loadSettings({}).pages.hosted).toBe(true);
    expect(loadSettings({ PUBLIC_URL: 'https://app.example.com' }).pages.hosted).toBe(false);
    expect(loadSettings({ PUBLIC_URL: 'https://id.example.com', HOSTED_PAGES: 'true' }).pages.hosted).toBe(true);
    expect(loadSettings({ HOSTED_PAGES: 'false' }).pages.hosted).toBe(false);
    expect(problemsOf({ HOSTED_PAGES: 'sometimes' })).toEqual([expect.stringMatching(/^HOSTED_PAGES must be true or false/)]);
  });

  it('refuses in production a JWT_SECRET that is repeated, a run of characters or of low entropy', () => {
    const hs256 = (secret: string) => problemsOf({ ...production(), JWT_ALGORITHM: 'HS256', JWT_SECRET: secret });
    expect(hs256('abcd'.repeat(8))).toEqual([expect.stringContaining('a repeated string')]);
    expect(hs256('abcdefghijklmnopqrstuvwxyz0123456789')).toEqual([expect.stringContaining('a run of characters')]);
    expect(hs256('password-password-password-12345')).toEqual([expect.stringContaining('low-entropy')]);
    expect(hs256(randomBytes(48).toString('base64'))).toEqual([]);
    expect(hs256(randomBytes(32).toString('hex'))).toEqual([]);
    // Outside production only the length and placeholders are checked.
    expect(problemsOf({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'abcd'.repeat(8) })).toEqual([]);
  });

  it('reads DATA_ENCRYPTION_KEY as 32 bytes of base64 or hex, and refuses anything else', () => {
    const key = randomBytes(32);
    expect(loadSettings({ DATA_ENCRYPTION_KEY: key.toString('base64') }).secrets.dataEncryptionKey).toEqual(key);
    expect(loadSettings({ DATA_ENCRYPTION_KEY: key.toString('hex') }).secrets.dataEncryptionKey).toEqual(key);
    expect(loadSettings({ DATA_ENCRYPTION_PREVIOUS_KEYS: `${key.toString('base64')}, ${key.toString('hex')}` }).secrets).toEqual({
      dataEncryptionKey: undefined,
      previousDataEncryptionKeys: [key, key],
    });
    for (const bad of [randomBytes(16).toString('base64'), 'not a key', Buffer.alloc(32).toString('base64')]) {
      expect(problemsOf({ DATA_ENCRYPTION_KEY: bad })).toEqual([expect.stringContaining('DATA_ENCRYPTION_KEY')]);
    }
  });

  it('waits 5 s on SIGTERM in production before it stops accepting connections, and not otherwise', () => {
    expect(loadSettings(production()).server.shutdownDelayMs).toBe(5000);
    expect(loadSettings({}).server.shutdownDelayMs).toBe(0);
    expect(loadSettings({ SHUTDOWN_DELAY_MS: '1500' }).server.shutdownDelayMs).toBe(1500);
  });

  it('bounds the waits for a database server by default', () => {
    expect(loadSettings({}).database).toMatchObject({ connectTimeoutMs: 2000, queryTimeoutMs: 2500 });
  });

  it('refuses a weak RSA key, a key of the wrong type and an unreadable key', () => {
    expect(problemsOf({ JWT_PRIVATE_KEY: pem('rsa', { modulusLength: 1024 }) })).toEqual([
      expect.stringContaining('at least 2048 bits'),
    ]);
    expect(problemsOf({ JWT_PRIVATE_KEY: pem('ec', { namedCurve: 'prime256v1' }) })).toEqual([expect.stringContaining('RSA')]);
    expect(problemsOf({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: pem('ec', { namedCurve: 'secp384r1' }) })).toEqual([
      expect.stringContaining('P-256'),
    ]);
    expect(problemsOf({ JWT_PRIVATE_KEY: 'not a key' })).toEqual([expect.stringContaining('PEM')]);
  });

  it('accepts a strong key with escaped newlines, as container platforms pass it', () => {
    const key = pem('rsa', { modulusLength: 2048 });
    const settings = loadSettings({ ...production(), JWT_PRIVATE_KEY: key.replace(/\n/g, '\\n') });
    expect(settings.tokens.privateKey).toBe(key.trim());
  });

  it('refuses a short or placeholder HS256 secret', () => {
    expect(problemsOf({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'changeme' })).toHaveLength(1);
    expect(problemsOf({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(31) })).toHaveLength(1);
    expect(problemsOf({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('refuses a low bcrypt cost in production', () => {
    expect(problemsOf({ ...production(), BCRYPT_COST: '8' })).toEqual([expect.stringContaining('BCRYPT_COST')]);
  });

  it('reads TRUST_PROXY as a hop count or a list of proxies, and refuses "true"', () => {
    expect(loadSettings({ TRUST_PROXY: '1' }).server.trustProxy).toBe(1);
    expect(loadSettings({ TRUST_PROXY: '10.0.0.0/8, loopback' }).server.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([expect.stringContaining('TRUST_PROXY')]);
    expect(problemsOf({ TRUST_PROXY: 'evil.example.com' })).toEqual([expect.stringContaining('TRUST_PROXY')]);
  });
});

describe('loadSettings: JWT_PREVIOUS_PUBLIC_KEYS', () => {
  it('is empty when unset', () => {
    expect(loadSettings({}).tokens.previousPublicKeys).toEqual([]);
  });

  it('reads several PEM public keys, with \\n escapes as a one-line variable holds them', () => {
    const [a, b] = [publicPem('rsa'), publicPem('rsa')];
    const settings = loadSettings({ JWT_PREVIOUS_PUBLIC_KEYS: `${a}${b}`.replace(/\n/g, '\\n') });
    expect(settings.tokens.previousPublicKeys).toEqual([a.trim(), b.trim()]);
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
