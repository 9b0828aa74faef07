/**
 * The floor of a login on this machine, for `BENCH_TARGET=floor npm run bench:login`: the same
 * work the service does for a password sign-in, without the service around it. node:http, one pg
 * pool, the service's own two statements (its repositories, as named prepared statements), one
 * bcrypt comparison at a time per core, an RS256 access token and an HS256 refresh token, a JSON
 * answer and one JSON log line per request. No framework, validation, guards, throttle, metrics or
 * request context. It shows how close any Node.js service with these statements can come to the
 * bcrypt limit here, so the service's own overhead can be told from the machine's.
 *
 * Runs on a database the service has migrated (DATABASE_URL); listens on PORT.
 */
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import { availableParallelism } from 'node:os';

import * as bcrypt from 'bcrypt';
import { Pool } from 'pg';

import { sha256Hex } from '../src/common/crypto';
import { bothReadModels } from '../src/database/read-model';
import type { TransactionHost } from '../src/database/transaction-host';
import { TOTP_ENABLED } from '../src/mfa/second-factor.read-model';
import { ORGANIZATIONS_OF_USER, OrganizationScope } from '../src/organizations/organization-scopes.read-model';
import { SessionsRepository } from '../src/sessions/sessions.repository';
import { normalizeEmail } from '../src/users/email';
import { HashQueue } from '../src/users/password-hasher';
import { UsersRepository } from '../src/users/users.repository';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// The service's own statements and row mapping: its repositories, on this pool (named prepared
// statements, as the service runs them on PostgreSQL).
const tx = {
  prepared: async (name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows,
} as unknown as TransactionHost;
const users = new UsersRepository(tx);
const sessions = new SessionsRepository(tx);
const SIGN_IN_READ = bothReadModels(ORGANIZATIONS_OF_USER, TOTP_ENABLED);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const refreshKey = randomBytes(32);
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function jwt(header: object, payload: object, signature: (input: string) => Buffer): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(signature(input))}`;
}

// One comparison in flight per core, in the service's own hash queue.
const hashes = new HashQueue(availableParallelism(), Number.MAX_SAFE_INTEGER);
const compare = (password: string, hash: string) => hashes.run(() => bcrypt.compare(password, hash));

async function login(body: { username?: unknown; password?: unknown }, ip: string, userAgent: string) {
  if (typeof body.username !== 'string' || typeof body.password !== 'string')
    return { status: 400, body: { code: 'invalid_request' } };
  const found = await users.findByEmailWithPasswordHash(normalizeEmail(body.username), SIGN_IN_READ);
  if (!found || !(await compare(body.password, found.user.passwordHash ?? ''))) {
    return { status: 401, body: { code: 'invalid_credentials' } };
  }
  const { user } = found;
  const [organizations] = found.also;
  const current: OrganizationScope | null =
    organizations.find((o) => o.id === user.lastOrganizationId) ?? organizations[0] ?? null;
  const sessionId = randomUUID();
  const jti = randomUUID();
  const requestId = randomUUID();
  const now = Date.now();
  const iat = Math.floor(now / 1000);
  const audit = { actorUserId: user.id, details: {}, ip, requestId };
  const written = sessions.insertAudited(
    {
      id: sessionId,
      userId: user.id,
      organizationId: current?.id ?? null,
      refreshTokenHash: sha256Hex(jti),
      userAgent,
      ip,
      expiresAt: new Date(now + 30 * 86400 * 1000),
    },
    100,
    {
      login: { ...audit, type: 'login.succeeded', organizationId: current?.id ?? null, targetId: sessionId },
      eviction: { ...audit, type: 'session.revoked', details: { reason: 'session_limit' } },
    },
  );
  const token = jwt(
    { alg: 'RS256', typ: 'JWT', kid: 'floor' },
    {
      iss: 'identity-service',
      sub: user.id,
      sid: sessionId,
      jti: randomUUID(),
      typ: 'access',
      email: user.email,
      sys_role: user.role,
      org_id: current?.id ?? null,
      org_slug: current?.slug ?? null,
      org_role: current?.role ?? null,
      permissions: current?.permissions ?? [],
      iat,
      exp: iat + 3600,
    },
    (input) => sign('sha256', Buffer.from(input), privateKey),
  );
  const refreshToken = jwt(
    { alg: 'HS256', typ: 'JWT', kid: 'floor-refresh' },
    { sub: user.id, sid: sessionId, jti, typ: 'refresh', iat, exp: iat + 30 * 86400 },
    (input) => createHmac('sha256', refreshKey).update(input).digest(),
  );
  await written;
  const profile = {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    email_verified: user.emailVerifiedAt !== null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
  return {
    status: 200,
    body: { token, refresh_token: refreshToken, user: profile, organization: current, organizations },
  };
}

const server = http.createServer((request, response) => {
  const started = performance.now();
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const answer = (status: number, body: object) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      process.stdout.write(
        `${JSON.stringify({ level: 'info', time: new Date().toISOString(), req: { method: request.method, url: request.url }, res: { status }, responseTime: performance.now() - started, msg: 'request completed' })}\n`,
      );
    };
    if (request.method === 'GET' && request.url === '/readyz') return answer(200, { status: 'ok' });
    if (request.method !== 'POST' || request.url !== '/api/v1/login') return answer(404, { code: 'not_found' });
    let body: object;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString()) as object;
    } catch {
      return answer(400, { code: 'invalid_request' });
    }
    login(body, request.socket.remoteAddress ?? '', request.headers['user-agent'] ?? '').then(
      (result) => answer(result.status, result.body),
      () => answer(503, { code: 'service_unavailable' }),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
