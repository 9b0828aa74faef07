export type JwtAlgorithm = 'RS256' | 'ES256' | 'HS256';
export type NodeEnv = 'development' | 'production' | 'test';
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
  dbMigrate: boolean;
  bcryptCost: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
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
  /** Express "trust proxy": false, a hop count, or a list of proxy addresses/subnets. */
  trustProxy: boolean | number | string[];
  /** Members an organization may have (pending invitations count); undefined = unlimited. */
  orgMaxMembers: number | undefined;
  bodyLimit: string;
}
