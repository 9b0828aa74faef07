/** Everything this service needs to trust the identity service. */
export interface MeshConfig {
  port: number;
  /** Base URL of the identity service; its keys are at /.well-known/jwks.json. */
  identityUrl: string;
  /** The identity service's JWT_ISSUER: the `iss` of its tokens and the `source` of its events. */
  issuer: string;
  /** The identity service's JWT_AUDIENCE, when it sets one. */
  audience: string | undefined;
  /** The NATS server(s) the identity service publishes its events to. */
  natsServers: string[];
  /** The identity service's ACCESS_TOKEN_TTL, in seconds: how long a revocation must be remembered. */
  accessTokenTtlSeconds: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): MeshConfig {
  const ttl = Number(env.ACCESS_TOKEN_TTL ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error('ACCESS_TOKEN_TTL must be a whole number of seconds');
  return {
    port: Number(env.PORT ?? 3000),
    identityUrl: (env.IDENTITY_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    issuer: env.IDENTITY_ISSUER ?? 'identity-service',
    audience: env.IDENTITY_AUDIENCE || undefined,
    natsServers: (env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',').map((server) => server.trim()),
    accessTokenTtlSeconds: ttl,
  };
}
