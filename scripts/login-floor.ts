/**
 * The floor of a login on this machine, for `BENCH_TARGET=floor npm run bench:login`: the same
 * work the service does for a password sign-in, without the service around it. node:http, one
 * pg pool, the service's own two statements (as named prepared statements), one bcrypt
 * comparison at a time per core, an RS256 access token and an HS256 refresh token, a JSON answer
 * and one JSON log line per request. No framework, validation, guards, throttle, metrics or
 * request context. It shows how close any Node.js service with these statements can come to the
 * bcrypt limit here, so the service's own overhead can be told from the machine's.
 *
 * Runs on a database the service has migrated (DATABASE_URL); listens on PORT.
 */
import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import { availableParallelism } from 'node:os';

import * as bcrypt from 'bcrypt';
import { Pool } from 'pg';

const READ = `SELECT u.id, u.name, u.email, u.role, u.email_verified_at, u.last_organization_id, u.created_at, u.updated_at, u.password_hash, COALESCE(
    (SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', r.key,
                                       'permissions', r.permissions)
                     ORDER BY m.created_at, m.id)
       FROM memberships m
       JOIN organizations o ON o.id = m.organization_id AND o.deleted_at IS NULL
       JOIN roles r ON r.id = m.role_id
      WHERE m.user_id = u.id),
    '[]'::json) AS organizations, EXISTS (SELECT 1 FROM mfa_totp_factors f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) AS totp_enabled FROM users u WHERE u.email = $1`;

const WRITE = `WITH inserted AS (
         INSERT INTO sessions (id, user_id, organization_id, refresh_token_hash, user_agent, ip, expires_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())),
       login_audit AS (INSERT INTO audit_events (type, actor_user_id, organization_id, target_id, details, ip, request_id) VALUES ($9, $10, $11, $12, $13, $14, $15)),
       evicted AS (
         UPDATE sessions SET revoked_at = now(), revoked_reason = 'session_limit'
          WHERE id IN (
            SELECT id FROM sessions
             WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > now()
             ORDER BY last_used_at DESC, created_at DESC, id DESC
            OFFSET $8)
            AND revoked_at IS NULL
          RETURNING id, organization_id),
       eviction_audit AS (INSERT INTO audit_events (type, actor_user_id, organization_id, target_id, details, ip, request_id) SELECT $16, $17::uuid, organization_id, id, $18::jsonb, $19, $20 FROM evicted)
       SELECT id, organization_id FROM evicted`;

interface Organization {
  id: string;
  slug: string;
  name: string;
  role: string;
  permissions: string[];
}

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const refreshKey = randomBytes(32);
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function jwt(header: object, payload: object, signature: (input: string) => Buffer): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(signature(input))}`;
}

// One comparison in flight per core, as the service's hash queue runs them.
let running = 0;
const waiting: (() => void)[] = [];
async function compare(password: string, hash: string): Promise<boolean> {
  if (running >= availableParallelism()) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await bcrypt.compare(password, hash);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function login(body: { username?: unknown; password?: unknown }, ip: string, userAgent: string) {
  if (typeof body.username !== 'string' || typeof body.password !== 'string') return { status: 400, body: { code: 'invalid_request' } };
  const email = body.username.trim().toLowerCase();
  const { rows } = await pool.query({ name: 'floor_read', text: READ, values: [email] });
  const user = rows[0] as Record<string, unknown> | undefined;
  if (!user || !(await compare(body.password, user.password_hash as string))) {
    return { status: 401, body: { code: 'invalid_credentials' } };
  }
  const organizations = user.organizations as Organization[];
  const current = organizations.find((o) => o.id === user.last_organization_id) ?? organizations[0] ?? null;
  const sessionId = randomUUID();
  const jti = randomUUID();
  const requestId = randomUUID();
  const now = Date.now();
  const iat = Math.floor(now / 1000);
  const sessionEnd = new Date(now + 30 * 86400 * 1000);
  const written = pool.query({
    name: 'floor_write',
    text: WRITE,
    values: [
      sessionId,
      user.id,
      current?.id ?? null,
      createHash('sha256').update(jti).digest('hex'),
      userAgent,
      ip,
      sessionEnd,
      99,
      'login.succeeded',
      user.id,
      current?.id ?? null,
      sessionId,
      '{}',
      ip,
      requestId,
      'session.revoked',
      user.id,
      '{"reason":"session_limit"}',
      ip,
      requestId,
    ],
  });
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
    email_verified: user.email_verified_at !== null,
    created_at: user.created_at,
    updated_at: user.updated_at,
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
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
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
