import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { AuditService } from '../audit/audit.service';
import type { EventsService } from '../events/events.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { RefreshTokenClaims } from '../tokens/tokens.service';
import { RefreshTokenReuse } from './refresh-token-reuse';
import type { Session } from './session.entity';
import type { SessionsRepository } from './sessions.repository';

const GRACE_SECONDS = 10;

function setUp(session: Partial<Session>) {
  const row = {
    id: randomUUID(),
    userId: randomUUID(),
    organizationId: null,
    revokedAt: null,
    expiresAt: new Date(Date.now() + 3_600_000),
    previousRefreshTokenHash: 'hash-of-previous',
    rotatedAt: new Date(),
    ...session,
  } as Session;
  const revoked: string[] = [];
  const audited: string[] = [];
  const sessions = {
    findById: () => Promise.resolve(row),
    revoke: (id: string) => {
      revoked.push(id);
      return Promise.resolve(true);
    },
  } as unknown as SessionsRepository;
  const audit = {
    record: (event: { type: string }) => Promise.resolve(void audited.push(event.type)),
  } as unknown as AuditService;
  const metrics = { refreshReuse: { inc: () => undefined } } as unknown as MetricsService;
  const logger = { warn: () => undefined } as unknown as Logger;
  const events = { emit: () => Promise.resolve() } as unknown as EventsService;
  const settings = { maxLifetime: 86_400, reuseGraceSeconds: GRACE_SECONDS, maxPerUser: 100 };
  const reuse = new RefreshTokenReuse(settings, sessions, audit, metrics, events, logger);
  const claims: RefreshTokenClaims = { sub: row.userId, sid: row.id, jti: randomUUID(), iat: 0, exp: 0, typ: 'refresh' };
  return { reuse, claims, revoked, audited, row };
}

describe('RefreshTokenReuse', () => {
  it('refuses the token just rotated away within the grace window without revoking the session', async () => {
    const { reuse, claims, revoked } = setUp({ rotatedAt: new Date(Date.now() - 3_000) });
    const error = await reuse.judge(claims, 'hash-of-previous');
    expect(error.code).toBe('unauthorized');
    expect(revoked).toEqual([]);
  });

  it('treats the same token after the grace window as reuse: the session is revoked and audited', async () => {
    const { reuse, claims, revoked, audited, row } = setUp({ rotatedAt: new Date(Date.now() - (GRACE_SECONDS + 1) * 1000) });
    const error = await reuse.judge(claims, 'hash-of-previous');
    expect(error.code).toBe('refresh_token_reused');
    expect(revoked).toEqual([row.id]);
    expect(audited).toEqual(['refresh.reuse_detected']);
  });

  it('treats an older token of the chain as reuse even inside the grace window', async () => {
    const { reuse, claims, revoked } = setUp({ rotatedAt: new Date() });
    expect((await reuse.judge(claims, 'hash-of-an-older-token')).code).toBe('refresh_token_reused');
    expect(revoked).toHaveLength(1);
  });

  it('answers unauthorized without revoking anything for a session already revoked or ended', async () => {
    for (const ended of [{ revokedAt: new Date() }, { expiresAt: new Date(Date.now() - 1000) }]) {
      const { reuse, claims, revoked } = setUp(ended);
      expect((await reuse.judge(claims, 'hash-of-an-older-token')).code).toBe('unauthorized');
      expect(revoked).toEqual([]);
    }
  });
});
