export type JwtAlgorithm = 'RS256' | 'ES256' | 'HS256';
export type NodeEnv = 'development' | 'production' | 'test';
export const RATE_LIMITED_ACTIONS = [
  'login',
  'register',
  'refresh',
  'forgot_password',
  'reset_password',
  'verify_email',
  'accept_invitation',
] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Every setting of the service, validated once at boot (see loadConfig). */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Unset means: start the embedded PostgreSQL (PGlite) under dataDir. */
  databaseUrl: string | undefined;
  /** Empty string means an in-memory embedded database (tests). */
  dataDir: string;
  dbPoolSize: number;
  /** Named prepared statements on the hot paths; off behind poolers that cannot keep them. */
  dbPreparedStatements: boolean;
  dbMigrate: boolean;
  bcryptCost: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Absolute lifetime of a session: refreshes slide its expiry, never past created_at + this. */
  sessionMaxLifetime: number;
  jwt: {
    algorithm: JwtAlgorithm;
    privateKey: string | undefined;
    secret: string | undefined;
    issuer: string;
    /**
     * Public keys (PEM) of keys that signed before the configured JWT_PRIVATE_KEY: still
     * published and accepted, so tokens they signed live out their lifetime after a rotation.
     */
    previousPublicKeys: string[];
  };
  loginHideUnknownAccounts: boolean;
  /** Seconds during which a just-rotated refresh token is refused without revoking its session. */
  refreshReuseGraceSeconds: number;
  /** Which proxies to believe in X-Forwarded-For: false, a hop count, or a list of proxy addresses/subnets. */
  trustProxy: boolean | number | string[];
  /** Members an organization may have (pending invitations count); undefined = unlimited. */
  orgMaxMembers: number | undefined;
  /** Largest request body, in bytes (BODY_LIMIT). */
  bodyLimit: number;
  /** Origins allowed by CORS; empty = no cross-origin browser access. */
  corsOrigins: string[];
  /** A request still unanswered after this many ms gets 503 and its socket is closed. */
  requestTimeoutMs: number;
  /** Bearer token that opens GET /metrics; unset = no metrics endpoint. */
  metricsToken: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** Per-IP limits by action: at most `limit` requests per `windowSeconds`. */
  ipLimits: Record<RateLimitedAction, { limit: number; windowSeconds: number }>;
  loginThrottle: {
    freeFailures: number;
    maxFailures: number;
    failureWindowSeconds: number;
    blockSeconds: number;
    maxDelaySeconds: number;
    /** How long a refused attempt (429) is held before it is answered; 0 answers at once. */
    refusalDelayMs: number;
  };
  mail: {
    /** smtp:// or smtps:// URL; unset = no delivery (development writes emails to dropDir). */
    smtpUrl: string | undefined;
    /**
     * Development without SMTP_URL: each email is written here as an .eml file (never to the log,
     * which must not carry tokens). Undefined: emails wait in the outbox.
     */
    dropDir: string | undefined;
    from: string;
    /** Base of the links in emails (the front end that calls verify-email / password/reset). */
    publicUrl: string;
    pollIntervalMs: number;
    retryBaseMs: number;
    maxAttempts: number;
  };
  emailVerificationTtl: number;
  passwordResetTtl: number;
  requireVerifiedEmail: boolean;
}
