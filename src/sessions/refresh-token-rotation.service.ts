import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';

import { sha256Hex } from '../common/crypto';
import { AppError } from '../common/errors/app-error';
import { LOGGER } from '../common/logging/logger.module';
import type { ClientInfo, Principal } from '../common/request/principal';
import { SessionSettings } from '../config/sessions.settings';
import { TokenSettings } from '../config/tokens.settings';
import { TransactionHost } from '../database/transaction-host';
import type { OrganizationScope } from '../organizations/organization-scopes.read-model';
import { NotAMemberError } from '../organizations/organizations.errors';
import { RefreshTokenClaims, TokensService } from '../tokens/tokens.service';
import { UsersService } from '../users/users.service';
import { RefreshTokenReuse } from './refresh-token-reuse';
import type { RotatedSession, Rotation } from './session-rows';
import { InvalidRefreshTokenError } from './sessions.errors';
import { SessionsRepository } from './sessions.repository';
import { IssuedSession, pickCurrentOrganization } from './sessions.service';

/**
 * Refresh and switch-organization: each presents the newest refresh token of a session, which is
 * replaced by a new one in the same step (a chain never forks), and a new token pair is issued.
 */
@Injectable()
export class RefreshTokenRotationService {
  constructor(
    private readonly tokenSettings: TokenSettings,
    private readonly settings: SessionSettings,
    private readonly tx: TransactionHost,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
    private readonly reuse: RefreshTokenReuse,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * POST /refresh-token. One statement, atomic by itself. The session keeps its organization while
   * the user is still a member of it; otherwise it falls back as login does.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
    const claims = await this.tokens.verifyRefreshToken(refreshToken);
    if (!claims) throw new InvalidRefreshTokenError();
    const rotation = this.rotation(claims, client);
    const rotated = await this.sessions.rotateRefreshToken(rotation);
    if (!rotated) {
      // Judged in its own transaction, and thrown after its commit: a revocation for reuse is kept.
      const refusal = await this.tx.run(() => this.reuse.judge(claims, rotation.presentedHash));
      throw refusal;
    }
    const { user, organizations } = rotated.profile;
    const current =
      organizations.find((organization) => organization.id === rotated.organizationId) ??
      pickCurrentOrganization(organizations, user.lastOrganizationId);
    if ((current?.id ?? null) !== rotated.organizationId) await this.keepSessionOrganization(rotated.id, current?.id ?? null);
    return this.issue(rotated, current, rotation.jti);
  }

  /**
   * POST /me/switch-organization: the refresh token must be the newest of the caller's own session
   * (the bearer token's). In one transaction: it is rotated, the session moves to the target
   * organization, and login starts there from now on. A target the caller is not a member of
   * rolls all of it back, so the presented token stays usable.
   */
  async switchOrganization(
    principal: Principal,
    organizationId: string,
    refreshToken: string,
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const claims = await this.tokens.verifyRefreshToken(refreshToken);
    if (!claims || claims.sid !== principal.sessionId || claims.sub !== principal.userId) {
      throw new InvalidRefreshTokenError('The refresh token is not a valid token of this session');
    }
    const rotation = this.rotation(claims, client);
    const outcome = await this.tx.run<{ refused: AppError } | { rotated: RotatedSession; target: OrganizationScope }>(
      async () => {
        const rotated = await this.sessions.rotateRefreshToken(rotation);
        if (!rotated) return { refused: await this.reuse.judge(claims, rotation.presentedHash) };
        const target = rotated.profile.organizations.find((organization) => organization.id === organizationId);
        if (!target) throw new NotAMemberError();
        if (target.id !== rotated.organizationId) await this.sessions.updateOrganization(rotated.id, target.id);
        await this.users.rememberOrganization(rotated.profile.user.id, target.id);
        return { rotated, target };
      },
    );
    // Thrown after the commit, so a revocation for reuse is kept.
    if ('refused' in outcome) throw outcome.refused;
    return this.issue(outcome.rotated, outcome.target, rotation.jti);
  }

  /** The rotation of the presented token: only the new token's jti hash goes into the row. */
  private rotation(claims: RefreshTokenClaims, client: ClientInfo): Rotation & { jti: string } {
    const jti = randomUUID();
    return {
      jti,
      sessionId: claims.sid,
      userId: claims.sub,
      presentedHash: sha256Hex(claims.jti),
      nextHash: sha256Hex(jti),
      expiresAt: new Date(Date.now() + this.tokenSettings.refreshTokenTtl * 1000),
      maxLifetimeSeconds: this.settings.maxLifetime,
      userAgent: client.userAgent,
      ip: client.ip,
    };
  }

  /** The new pair, signed once the row says when the session ends (sliding, capped by its maximum). */
  private issue(rotated: RotatedSession, current: OrganizationScope | null, jti: string): IssuedSession {
    const { user, organizations } = rotated.profile;
    const pair = this.tokens.signPair({ user, sessionId: rotated.id, organization: current }, rotated.expiresAt, jti);
    return { ...pair, user, currentOrganization: current, organizations };
  }

  /**
   * Only which organization the session starts from next time: the new tokens carry `current`
   * either way, so a failure here must not cost the client its rotated token.
   */
  private async keepSessionOrganization(sessionId: string, organizationId: string | null): Promise<void> {
    try {
      await this.sessions.updateOrganization(sessionId, organizationId);
    } catch (error) {
      this.logger.error({ err: error, session_id: sessionId }, 'could not move a refreshed session to its new organization');
    }
  }
}
