import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig, JwtAlgorithm, LogLevel, NodeEnv, RATE_LIMITED_ACTIONS, RateLimitedAction } from './app-config';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/** Per-IP defaults: generous for people behind one NAT, tight enough to slow a script. */
const IP_LIMIT_DEFAULTS: Record<RateLimitedAction, string> = {
  login: '30/1m',
  register: '10/1h',
  refresh: '120/1m',
  forgot_password: '5/15m',
  reset_password: '10/15m',
  verify_email: '20/15m',
  accept_invitation: '20/15m',
};

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const PLACEHOLDER_SECRETS = ['secret', 'changeme', 'change-me', 'password', 'jwt_secret', 'your-secret'];

/** Reads and validates the environment; lists every problem at once. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  };

  const duration = (name: string, fallback: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const match = /^(\d+)([smhd]?)$/.exec(value);
    const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
    if (!match || seconds < 1) {
      problems.push(`${name} must be a positive duration in seconds, or with a unit: 90s, 15m, 1h, 30d (got "${value}")`);
      return fallback;
    }
    return seconds;
  };

  const byteSize = (name: string, fallback: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const match = /^(\d+)(b|kb|mb)$/i.exec(value);
    if (!match) {
      problems.push(`${name} must look like 100kb or 1mb (got "${value}")`);
      return fallback;
    }
    return Number(match[1]) * BYTE_UNITS[match[2].toLowerCase()];
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  };

  const rate = (action: RateLimitedAction): { limit: number; windowSeconds: number } => {
    const name = `RATE_LIMIT_${action.toUpperCase()}`;
    const value = read(name) ?? IP_LIMIT_DEFAULTS[action];
    const match = /^(\d+)\/(\d+)([smhd]?)$/.exec(value);
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
      problems.push(`${name} must look like 30/1m: a count per duration (got "${value}")`);
      return { limit: 1, windowSeconds: 1 };
    }
    return { limit: Number(match[1]), windowSeconds: Number(match[2]) * DURATION_UNITS[match[3] || 's'] };
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const algorithm = oneOf<JwtAlgorithm>('JWT_ALGORITHM', ['RS256', 'ES256', 'HS256'], 'RS256');
  const privateKey = read('JWT_PRIVATE_KEY')?.replace(/\\n/g, '\n').trim();
  const secret = read('JWT_SECRET');
  if (algorithm === 'HS256') {
    if (secret === undefined && production) {
      problems.push('JWT_SECRET is required with JWT_ALGORITHM=HS256 when NODE_ENV=production');
    } else if (secret !== undefined && (Buffer.byteLength(secret) < 32 || PLACEHOLDER_SECRETS.includes(secret.toLowerCase()))) {
      problems.push('JWT_SECRET must be at least 32 bytes of random data (not a placeholder)');
    }
  } else if (privateKey === undefined) {
    if (production) problems.push(`JWT_PRIVATE_KEY (a PEM private key for ${algorithm}) is required when NODE_ENV=production`);
  } else {
    const problem = checkPrivateKey(privateKey, algorithm);
    if (problem) problems.push(`JWT_PRIVATE_KEY ${problem}`);
  }

  const previousPublicKeys = previousKeys(read('JWT_PREVIOUS_PUBLIC_KEYS'), algorithm, problems);

  const dataDir = env.DATA_DIR === undefined ? './data' : env.DATA_DIR.trim();
  const config: AppConfig = {
    nodeEnv,
    port: integer('PORT', 8080, 0, 65535),
    host: read('HOST') ?? '0.0.0.0',
    logLevel: oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    databaseUrl,
    dataDir,
    dbPoolSize: integer('DB_POOL_SIZE', 10, 1, 200),
    dbPreparedStatements: boolean('DB_PREPARED_STATEMENTS', true),
    dbMigrate: boolean('DB_MIGRATE', true),
    bcryptCost: integer('BCRYPT_COST', 12, 4, 15),
    accessTokenTtl: duration('ACCESS_TOKEN_TTL', 3600),
    refreshTokenTtl: duration('REFRESH_TOKEN_TTL', 30 * 86400),
    sessionMaxLifetime: duration('SESSION_MAX_LIFETIME', 90 * 86400),
    jwt: { algorithm, privateKey, secret, issuer: read('JWT_ISSUER') ?? 'identity-service', previousPublicKeys },
    loginHideUnknownAccounts: boolean('LOGIN_HIDE_UNKNOWN_ACCOUNTS', false),
    refreshReuseGraceSeconds: integer('REFRESH_REUSE_GRACE_SECONDS', 0, 0, 300),
    trustProxy: trustProxy(read('TRUST_PROXY'), problems),
    orgMaxMembers: read('ORG_MAX_MEMBERS') === undefined ? undefined : integer('ORG_MAX_MEMBERS', 0, 1, 1_000_000),
    bodyLimit: byteSize('BODY_LIMIT', 100 * 1024),
    corsOrigins: (read('CORS_ORIGINS') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    metricsToken: read('METRICS_TOKEN'),
    redisUrl: read('REDIS_URL'),
    redisKeyPrefix: read('REDIS_KEY_PREFIX') ?? 'identity:',
    ipLimits: Object.fromEntries(RATE_LIMITED_ACTIONS.map((action) => [action, rate(action)])) as AppConfig['ipLimits'],
    loginThrottle: {
      freeFailures: integer('LOGIN_FREE_FAILURES', 5, 0, 1000),
      maxFailures: integer('LOGIN_MAX_FAILURES', 20, 1, 10000),
      failureWindowSeconds: duration('LOGIN_FAILURE_WINDOW', 3600),
      blockSeconds: duration('LOGIN_BLOCK_DURATION', 900),
      maxDelaySeconds: duration('LOGIN_MAX_DELAY', 60),
      refusalDelayMs: integer('LOGIN_REFUSAL_DELAY_MS', 1000, 0, 10_000),
    },
    mail: {
      smtpUrl: read('SMTP_URL'),
      dropDir: read('MAIL_DROP_DIR') ?? (dataDir ? join(dataDir, 'mail') : undefined),
      from: read('MAIL_FROM') ?? 'Identity <no-reply@localhost>',
      publicUrl: (read('PUBLIC_URL') ?? 'http://localhost:8080').replace(/\/+$/, ''),
      pollIntervalMs: integer('MAIL_POLL_INTERVAL_MS', 1000, 50, 600_000),
      retryBaseMs: integer('MAIL_RETRY_BASE_MS', 1000, 10, 3_600_000),
      maxAttempts: integer('MAIL_MAX_ATTEMPTS', 10, 1, 100),
    },
    emailVerificationTtl: duration('EMAIL_VERIFICATION_TTL', 86400),
    passwordResetTtl: duration('PASSWORD_RESET_TTL', 3600),
    requireVerifiedEmail: boolean('REQUIRE_VERIFIED_EMAIL', false),
  };
  if (config.mail.smtpUrl !== undefined && !/^smtps?:\/\//.test(config.mail.smtpUrl))
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  if (!/^https?:\/\/[^\s]+$/.test(config.mail.publicUrl))
    problems.push(`PUBLIC_URL must be an http(s) URL (got "${config.mail.publicUrl}")`);
  if (production && config.bcryptCost < 10) problems.push('BCRYPT_COST must be at least 10 when NODE_ENV=production');

  if (config.redisUrl !== undefined && !/^rediss?:\/\//.test(config.redisUrl))
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  if (config.metricsToken !== undefined && config.metricsToken.length < 16)
    problems.push('METRICS_TOKEN must be at least 16 characters');
  const badOrigins = config.corsOrigins.filter((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
  if (badOrigins.length > 0)
    problems.push(`CORS_ORIGINS must list origins like https://app.example.com (got ${badOrigins.join(', ')})`);

  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

/**
 * TRUST_PROXY decides when X-Forwarded-For is believed: unset/false = never (the peer address is
 * the client), a number = that many proxy hops, otherwise a comma-separated list of proxy
 * addresses or subnets (proxy-addr names such as "loopback" allowed).
 */
function trustProxy(value: string | undefined, problems: string[]): boolean | number | string[] {
  if (value === undefined || value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value.toLowerCase() === 'true') {
    problems.push('TRUST_PROXY=true would believe any X-Forwarded-For; give a hop count or the proxy addresses');
    return false;
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const valid = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;
  const bad = entries.filter((entry) => !valid.test(entry));
  if (entries.length === 0 || bad.length > 0)
    problems.push(`TRUST_PROXY has entries that are not addresses or subnets: ${bad.join(', ')}`);
  return entries;
}

const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/**
 * JWT_PREVIOUS_PUBLIC_KEYS: one or more PEM public keys (SPKI, `\n` escapes accepted) of the
 * keys that signed before the current JWT_PRIVATE_KEY. Meaningless for HS256 (nothing public).
 */
function previousKeys(value: string | undefined, algorithm: JwtAlgorithm, problems: string[]): string[] {
  if (value === undefined) return [];
  if (algorithm === 'HS256') {
    problems.push('JWT_PREVIOUS_PUBLIC_KEYS cannot be used with JWT_ALGORITHM=HS256 (it has no public keys)');
    return [];
  }
  const pems = value.replace(/\\n/g, '\n').match(PUBLIC_KEY_PEM) ?? [];
  if (pems.length === 0) {
    problems.push('JWT_PREVIOUS_PUBLIC_KEYS must hold one or more PEM public keys (-----BEGIN PUBLIC KEY-----)');
    return [];
  }
  pems.forEach((pem, index) => {
    const problem = checkPublicKey(pem, algorithm);
    if (problem) problems.push(`JWT_PREVIOUS_PUBLIC_KEYS key ${index + 1} ${problem}`);
  });
  return pems;
}

function checkPublicKey(pem: string, algorithm: JwtAlgorithm): string | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return 'is not a readable PEM public key';
  }
  if (algorithm === 'RS256' && key.asymmetricKeyType !== 'rsa') return 'must be an RSA key for RS256';
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    return 'must be an EC P-256 key for ES256';
  }
  return undefined;
}

/** Returns why a PEM key cannot sign with the algorithm, or undefined when it can. */
function checkPrivateKey(pem: string, algorithm: JwtAlgorithm): string | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'is not a readable PEM private key';
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS256') {
    if (key.asymmetricKeyType !== 'rsa') return 'must be an RSA key for RS256';
    if ((details.modulusLength ?? 0) < 2048) return 'is too weak: RS256 needs an RSA key of at least 2048 bits';
  }
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'prime256v1')) {
    return 'must be an EC P-256 key for ES256';
  }
  return undefined;
}
