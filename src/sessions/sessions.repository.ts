import { Injectable } from '@nestjs/common';

import { auditEventInsert, auditEventsInsertFrom, NewAuditEvent } from '../audit/audit.repository';
import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import {
  organizationIsLive,
  ORGANIZATIONS_OF_USER,
  ProfileView,
  ROLE_IN_ORGANIZATION,
} from '../organizations/organization-scopes.read-model';
import { USER_COLUMNS, userFromRow, UserRow } from '../users/user.read-model';
import { Session } from './session.entity';
import type {
  EvictedSession,
  LiveReads,
  LiveSessionCheck,
  NewSession,
  RevocationReason,
  RotatedSession,
  Rotation,
} from './session-rows';

/** The user and every live organization, for statements that read the users row as `u`. */
const PROFILE_COLUMNS = `${USER_COLUMNS}, ${ORGANIZATIONS_OF_USER.select('u.id')}`;
type ProfileRow = UserRow & Record<string, unknown>;
const toProfile = (row: ProfileRow): ProfileView => ({ user: userFromRow(row), organizations: ORGANIZATIONS_OF_USER.read(row) });

const LIVE_READS: Record<LiveReads, { statement: string; columns: string }> = {
  session: { statement: 'live_session_check', columns: 'u.id, u.email, u.role' },
  profile: { statement: 'live_session_profile', columns: PROFILE_COLUMNS },
  role: { statement: 'live_session_role', columns: `u.id, u.email, u.role, ${ROLE_IN_ORGANIZATION.select('u.id', '$3::uuid')}` },
};

@Injectable()
export class SessionsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(Session);
  }

  findById(id: string): Promise<Session | null> {
    return this.repository.findOneBy({ id });
  }

  /**
   * A sign-in's one write, one statement (atomic without BEGIN/COMMIT): the new session, its
   * `login.succeeded` audit event, and beyond `maxLive` live sessions the revocation of the least
   * recently used ones (the statement does not see its own insert, hence `maxLive - 1`), each with
   * its `session.revoked` audit event. Answers the sessions it revoked: none in the common case.
   * Two sign-ins of one user at the same moment do not see each other's: the user may then be over
   * by one until the next sign-in.
   */
  async insertAudited(
    session: NewSession,
    maxLive: number,
    audit: { login: NewAuditEvent; eviction: Omit<NewAuditEvent, 'targetId' | 'organizationId'> },
  ): Promise<EvictedSession[]> {
    const login = auditEventInsert(audit.login, 9);
    const eviction = auditEventsInsertFrom(audit.eviction, 'evicted', 9 + login.values.length);
    const rows = await this.tx.prepared<{ id: string; organization_id: string | null }>(
      'insert_session_audited',
      `WITH inserted AS (
         INSERT INTO sessions (id, user_id, organization_id, refresh_token_hash, user_agent, ip, expires_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())),
       login_audit AS (${login.sql}),
       evicted AS (
         UPDATE sessions SET revoked_at = now(), revoked_reason = 'session_limit'
          WHERE id IN (
            SELECT id FROM sessions
             WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > now()
             ORDER BY last_used_at DESC, created_at DESC, id DESC
            OFFSET $8)
            AND revoked_at IS NULL
          RETURNING id, organization_id),
       eviction_audit AS (${eviction.sql})
       SELECT id, organization_id FROM evicted`,
      [
        session.id,
        session.userId,
        session.organizationId,
        session.refreshTokenHash,
        session.userAgent,
        session.ip,
        session.expiresAt,
        maxLive - 1,
        ...login.values,
        ...eviction.values,
      ],
    );
    return rows.map((row) => ({ id: row.id, organizationId: row.organization_id }));
  }

  /**
   * One round trip per authenticated request: the session is live (not revoked, not expired) and
   * belongs to the user, the user exists, and the token's organization (if any) is not deleted.
   * The same statement may also read the user's profile (the user and every live membership), for
   * a route that answers with it (GET /me is then one round trip, not two), or the user's live
   * role in the token's organization (the gateway check, introspection).
   */
  async findLiveSessionCheck(
    sessionId: string,
    userId: string,
    organizationId: string | null,
    reads: LiveReads = 'session',
  ): Promise<LiveSessionCheck | null> {
    const { statement, columns } = LIVE_READS[reads];
    const rows = await this.tx.prepared<ProfileRow & { last_used_at: Date; organization_live: boolean }>(
      statement,
      `SELECT ${columns}, s.last_used_at,
              ($3::uuid IS NULL OR ${organizationIsLive('$3::uuid')}) AS organization_live
         FROM sessions s
         JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [sessionId, userId, organizationId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      userId: row.id,
      email: row.email,
      systemRole: row.role,
      lastUsedAt: new Date(row.last_used_at),
      organizationLive: row.organization_live,
      profile: reads === 'profile' ? toProfile(row) : undefined,
      organizationRole: reads === 'role' ? ROLE_IN_ORGANIZATION.read(row) : undefined,
    };
  }

  /** Bumps last_used_at unless another request (or replica) already did within `seconds`. */
  async touch(id: string, seconds: number): Promise<void> {
    await this.tx.manager.query(
      `UPDATE sessions SET last_used_at = now() WHERE id = $1 AND last_used_at < now() - make_interval(secs => $2)`,
      [id, seconds],
    );
  }

  /**
   * The atomic step of a refresh: replaces the session's refresh token only if the presented one
   * is still the newest of the chain and the session is live. Concurrent callers with the same
   * token queue on the row lock; once the first commits, the others no longer match and get
   * null, so a chain never forks. Expiry slides to the new refresh token's, but never past the
   * session's created_at + its maximum lifetime; the new end is returned. The same statement
   * reads the user's profile (with the organizations' read model), which the new tokens carry: a
   * refresh is one round trip.
   */
  async rotateRefreshToken(rotation: Rotation): Promise<RotatedSession | null> {
    const rows = await this.tx.prepared<
      ProfileRow & { session_id: string; session_organization_id: string | null; session_expires_at: Date }
    >(
      'rotate_refresh_token',
      `WITH rotated AS (
         UPDATE sessions
            SET refresh_token_hash = $4, previous_refresh_token_hash = $3, rotated_at = now(), last_used_at = now(),
                expires_at = LEAST($5::timestamptz, created_at + make_interval(secs => $8)), user_agent = $6, ip = $7
          WHERE id = $1 AND user_id = $2 AND refresh_token_hash = $3 AND revoked_at IS NULL AND expires_at > now()
          RETURNING id, organization_id, user_id, expires_at)
       SELECT rotated.id AS session_id, rotated.organization_id AS session_organization_id,
              rotated.expires_at AS session_expires_at, ${PROFILE_COLUMNS}
         FROM rotated JOIN users u ON u.id = rotated.user_id`,
      [
        rotation.sessionId,
        rotation.userId,
        rotation.presentedHash,
        rotation.nextHash,
        rotation.expiresAt,
        rotation.userAgent,
        rotation.ip,
        rotation.maxLifetimeSeconds,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.session_id,
      organizationId: row.session_organization_id,
      expiresAt: new Date(row.session_expires_at),
      profile: toProfile(row),
    };
  }

  async updateOrganization(id: string, organizationId: string | null): Promise<void> {
    await this.repository.update({ id }, { organizationId });
  }

  /** Revokes a live session; false when there was none with this id (for this user). */
  async revoke(id: string, reason: RevocationReason, userId?: string): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('id = :id AND revoked_at IS NULL AND expires_at > now()', { id })
      .andWhere(userId === undefined ? 'TRUE' : 'user_id = :userId', { userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The user's sessions that can still be used, most recently used first. */
  findLiveByUser(userId: string): Promise<Session[]> {
    return this.repository
      .createQueryBuilder('session')
      .where('session.userId = :userId AND session.revokedAt IS NULL AND session.expiresAt > now()', { userId })
      .orderBy('session.lastUsedAt', 'DESC')
      .addOrderBy('session.createdAt', 'DESC')
      .getMany();
  }

  /** Every session of the user, live or ended, oldest first: what an export shows. */
  findAllOfUser(userId: string): Promise<Session[]> {
    return this.repository
      .createQueryBuilder('session')
      .where('session.userId = :userId', { userId })
      .orderBy('session.createdAt', 'ASC')
      .addOrderBy('session.id', 'ASC')
      .getMany();
  }

  /** Deletes every session row of the user (an account deletion, once they are revoked). */
  async deleteAllOfUser(userId: string): Promise<void> {
    await this.repository.delete({ userId });
  }

  /** One batch of the retention sweep: sessions revoked, or expired, more than `ageSeconds` ago. */
  deleteEndedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(
      this.tx,
      'sessions',
      [{ column: 'revoked_at' }, { column: 'expires_at', also: 'revoked_at IS NULL' }],
      ageSeconds,
      limit,
    );
  }

  /**
   * Revokes every session of the user not yet revoked, but `exceptId` when given; returns the ids
   * of those that were still live (not expired).
   */
  async revokeAllOfUser(userId: string, reason: RevocationReason, exceptId?: string): Promise<string[]> {
    const result = await this.tx.manager.query<unknown[]>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id, expires_at > now() AS live`,
      [userId, reason, exceptId ?? null],
    );
    // TypeORM returns [rows, count] for UPDATE … RETURNING on PostgreSQL.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as { id: string; live: boolean }[];
    return rows.filter((row) => row.live).map((row) => row.id);
  }
}
