import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';

import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors/app-error';
import { LOGGER } from '../common/logging/logger.module';
import { SessionSettings } from '../config/sessions.settings';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import type { RefreshTokenClaims } from '../tokens/tokens.service';
import { announceRevocation } from './session-events';
import { InvalidRefreshTokenError, RefreshTokenReusedError } from './sessions.errors';
import { SessionsRepository } from './sessions.repository';

/**
 * Judges a validly signed refresh token that is no longer the newest of its session. Only this
 * service signs them, so it is an earlier token of the same chain: reuse, which revokes the whole
 * session, unless it is the immediate predecessor within REFRESH_REUSE_GRACE_SECONDS (a client's
 * concurrent refreshes), which is refused without revoking.
 */
@Injectable()
export class RefreshTokenReuse {
  constructor(
    private readonly settings: SessionSettings,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly events: EventsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The error to answer with; revokes the session first when it is reuse. Runs in a transaction. */
  async judge(claims: RefreshTokenClaims, presentedHash: string): Promise<AppError> {
    const session = await this.sessions.findById(claims.sid);
    if (!session || session.userId !== claims.sub || session.revokedAt !== null || session.expiresAt.getTime() <= Date.now()) {
      return new InvalidRefreshTokenError('The refresh token is invalid, expired or revoked');
    }
    if (withinGrace(session, presentedHash, this.settings.reuseGraceSeconds * 1000, Date.now())) {
      return new InvalidRefreshTokenError('This refresh token was just rotated by a concurrent request; use the newest one');
    }
    await this.sessions.revoke(session.id, 'refresh_reuse');
    await announceRevocation(this.events, session, 'refresh_reuse');
    await this.audit.record({
      type: 'refresh.reuse_detected',
      actorUserId: session.userId,
      organizationId: session.organizationId,
      targetId: session.id,
    });
    this.metrics.refreshReuse.inc();
    this.logger.warn({ session_id: session.id, user_id: session.userId }, 'refresh token reuse: session revoked');
    return new RefreshTokenReusedError();
  }
}

/** The presented token is the one rotated away last, less than `graceMs` ago. */
function withinGrace(
  session: { previousRefreshTokenHash: string | null; rotatedAt: Date | null },
  presentedHash: string,
  graceMs: number,
  now: number,
): boolean {
  return (
    session.previousRefreshTokenHash === presentedHash &&
    session.rotatedAt !== null &&
    now - session.rotatedAt.getTime() < graceMs
  );
}
