import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { AuditDetails } from '../audit/audit-event.entity';
import { isUuid, sha256Hex } from '../common/crypto';
import type { ClientInfo, Principal } from '../common/request/principal';
import { SessionSettings } from '../config/sessions.settings';
import { TokenSettings } from '../config/tokens.settings';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import type { OrganizationScope, ProfileView } from '../organizations/organization-scopes.read-model';
import { TokensService } from '../tokens/tokens.service';
import type { User } from '../users/user.entity';
import { Session } from './session.entity';
import { announceRevocation } from './session-events';
import type { LiveReads, LiveSessionCheck, RevocationReason } from './session-rows';
import { SessionNotFoundError } from './sessions.errors';
import { SessionsRepository } from './sessions.repository';

export type { LiveReads } from './session-rows';

/** last_used_at is kept to this resolution on access; refreshes always set it. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export interface IssuedSession {
  token: string;
  refreshToken: string;
  user: User;
  currentOrganization: OrganizationScope | null;
  organizations: OrganizationScope[];
}

export interface SessionView {
  session: Session;
  current: boolean;
}

/** The sessions table: opening a session at sign-in, checking it on every request, listing and ending it. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tokenSettings: TokenSettings,
    private readonly settings: SessionSettings,
    private readonly tx: TransactionHost,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Opens a session in the user's current organization and issues its first token pair: the
   * session row and its audit event in one statement (with NATS_URL, in a transaction with the
   * outbox rows); the tokens are signed on the event loop while that write runs. Neither token
   * leaves before the session is stored; a failed write discards both. Beyond MAX_SESSIONS_PER_USER live sessions,
   * the same statement revokes the least recently used (audited and announced, reason session_limit).
   * `signIn` tells the audit event how the user signed in, when not with the password
   * (`{method: 'passkey', passkey_id}`).
   */
  async open({ user, organizations }: ProfileView, client: ClientInfo, signIn?: AuditDetails): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const jti = randomUUID();
    const current = pickCurrentOrganization(organizations, user.lastOrganizationId);
    // A new session ends after REFRESH_TOKEN_TTL unless refreshed, and never after SESSION_MAX_LIFETIME.
    const issuedAt = Date.now();
    const sessionEnd = new Date(issuedAt + Math.min(this.tokenSettings.refreshTokenTtl, this.settings.maxLifetime) * 1000);
    const write = async () => {
      const evicted = await this.sessions.insertAudited(
        {
          id: sessionId,
          userId: user.id,
          organizationId: current?.id ?? null,
          refreshTokenHash: sha256Hex(jti),
          userAgent: client.userAgent,
          ip: client.ip,
          expiresAt: sessionEnd,
        },
        this.settings.maxPerUser,
        {
          login: this.audit.entry({
            type: 'login.succeeded',
            actorUserId: user.id,
            organizationId: current?.id,
            targetId: sessionId,
            ...(signIn ? { details: signIn } : {}),
          }),
          eviction: this.audit.entry({ type: 'session.revoked', actorUserId: user.id, details: { reason: 'session_limit' } }),
        },
      );
      for (const session of evicted) await announceRevocation(this.events, { id: session.id, userId: user.id }, 'session_limit');
      // An extension of the contract's table, so the mesh sees sign-ins.
      await this.events.emit('identity.session.created', sessionId, {
        session_id: sessionId,
        user_id: user.id,
        organization_id: current?.id ?? null,
      });
    };
    // Without NATS_URL the events write nothing: the one statement is the whole write. It goes out
    // first, and the tokens are signed (CPU on this thread, about half a millisecond for RS256)
    // while PostgreSQL runs it; they leave only once it has committed.
    const written = this.events.enabled ? this.tx.run(write) : write();
    written.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
    await new Promise<void>((resolve) => setImmediate(resolve)); // the statement is on the wire
    const pair = this.tokens.signPair({ user, sessionId, organization: current }, sessionEnd, jti, issuedAt);
    await written;
    return { ...pair, user, currentOrganization: current, organizations };
  }

  /**
   * The live half of the bearer check: the session is not revoked or expired, its user exists and
   * the token's organization is not deleted; the same statement reads what `reads` asks for (the
   * user's profile, or their live role in the token's organization). last_used_at is bumped at most once a minute per session.
   */
  async checkLive(
    claims: { sid: string; sub: string; org_id: string | null },
    reads: LiveReads,
  ): Promise<LiveSessionCheck | null> {
    const live = await this.sessions.findLiveSessionCheck(claims.sid, claims.sub, claims.org_id, reads);
    if (!live || !live.organizationLive) return null;
    if (Date.now() - live.lastUsedAt.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
      await this.sessions.touch(claims.sid, LAST_USED_RESOLUTION_SECONDS);
    }
    return live;
  }

  /** When the session was opened (the sign-in), while it exists: how fresh the caller's sign-in is. */
  async openedAt(sessionId: string): Promise<Date | null> {
    return (await this.sessions.findById(sessionId))?.createdAt ?? null;
  }

  /** POST /logout: revokes the caller's session; its tokens stop working at once. */
  logout(principal: Principal): Promise<void> {
    return this.tx.run(async () => {
      await this.sessions.revoke(principal.sessionId, 'logout');
      await this.recordRevocation(principal, principal.sessionId, 'logout');
      await announceRevocation(this.events, { id: principal.sessionId, userId: principal.userId }, 'logout');
    });
  }

  async listSessions(principal: Principal): Promise<SessionView[]> {
    const sessions = await this.sessions.findLiveByUser(principal.userId);
    return sessions.map((session) => ({ session, current: session.id === principal.sessionId }));
  }

  /**
   * Revokes one of the caller's live sessions (the current one too: that is a logout). Another
   * user's session, an unknown id and a malformed one are all the same 404.
   */
  async deleteSession(principal: Principal, sessionId: string): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFoundError();
    await this.tx.run(async () => {
      if (!(await this.sessions.revoke(sessionId, 'session_deleted', principal.userId))) throw new SessionNotFoundError();
      await this.recordRevocation(principal, sessionId, 'session_deleted');
      await announceRevocation(this.events, { id: sessionId, userId: principal.userId }, 'session_deleted');
    });
  }

  /** Every session of the user, live or ended (GET /me/export). */
  listAllOfUser(userId: string): Promise<Session[]> {
    return this.sessions.findAllOfUser(userId);
  }

  /**
   * An account deletion, inside its transaction: every live session is revoked (announced, so the
   * mesh drops its tokens at once), then every session row of the user is deleted.
   */
  async endAllOfUser(userId: string): Promise<void> {
    await this.revokeAllOfUser(userId, 'account_deleted');
    await this.sessions.deleteAllOfUser(userId);
  }

  /** One batch of the retention sweep (SESSION_RETENTION): sessions that ended more than `ageSeconds` ago. */
  deleteEndedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.sessions.deleteEndedBefore(ageSeconds, limit);
  }

  /** Revokes every live session of the user but `exceptId`; inside the caller's transaction. */
  async revokeAllOfUser(userId: string, reason: RevocationReason, exceptId?: string): Promise<void> {
    const revoked = await this.sessions.revokeAllOfUser(userId, reason, exceptId);
    for (const id of revoked) await announceRevocation(this.events, { id, userId }, reason);
  }

  private recordRevocation(principal: Principal, sessionId: string, reason: RevocationReason): Promise<void> {
    return this.audit.record({
      type: 'session.revoked',
      actorUserId: principal.userId,
      organizationId: principal.organizationId,
      targetId: sessionId,
      details: { reason },
    });
  }
}

/** The organization the user last chose, if still theirs; else the oldest membership. */
export function pickCurrentOrganization(
  organizations: OrganizationScope[],
  lastOrganizationId: string | null,
): OrganizationScope | null {
  return organizations.find((organization) => organization.id === lastOrganizationId) ?? organizations[0] ?? null;
}
