import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionHost } from '../database/transaction-host';
import { OrganizationScope, OrganizationsService } from '../organizations/organizations.service';
import { LoginOutcome, MetricsService } from '../metrics/metrics.service';

import { Lockout, RateLimitService } from '../rate-limit/rate-limit.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { Logger } from 'pino';
import { AppError } from '../common/errors/app-error';
import { LOGGER } from '../common/logging/logger.module';
import { PasswordHasher } from '../users/password-hasher';
import { AccountService } from './account.service';
import {
  AccountNotFoundError,
  EmailNotVerifiedError,
  InvalidCredentialsError,
  NotAMemberError,
  RefreshTokenReusedError,
  UnauthorizedError,
} from './auth.errors';
import { Principal } from './principal';
import { ProfilesRepository, ProfileView } from './profiles.repository';
import { Rotation, SessionsRepository } from './sessions.repository';
import { hashTokenId, RefreshTokenClaims, TokensService } from './tokens.service';

type ChooseOrganization = (
  organizations: OrganizationScope[],
  session: { organizationId: string | null },
  user: User,
) => OrganizationScope | null;

type RotationOutcome =
  | { refused: AppError }
  | { refused: null; user: User; organizations: OrganizationScope[]; current: OrganizationScope | null; sessionEnd: Date };

/** last_used_at is kept to this resolution on access; refreshes always set it. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

const LOGIN_FAILURE_OUTCOMES = new Set<string>([
  'invalid_credentials',
  'account_not_found',
  'rate_limited',
  'email_not_verified',
] satisfies LoginOutcome[]);

export interface Registration {
  name: string;
  email: string;
  password: string;
}

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

export interface IssuedSession {
  token: string;
  refreshToken: string;
  user: User;
  currentOrganization: OrganizationScope | null;
  organizations: OrganizationScope[];
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsRepository,
    private readonly account: AccountService,
    private readonly limits: RateLimitService,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
    private readonly profiles: ProfilesRepository,
  ) {}

  /**
   * Creates the user, their first organization (named after them), the owner membership and the
   * verification email in the outbox, atomically.
   */
  async register({ name, email, password }: Registration): Promise<User> {
    const passwordHash = await this.passwords.hash(password);
    return this.tx.run(async () => {
      const user = await this.users.createUser({ name, email, passwordHash });
      const organization = await this.organizations.createOrganization(user.id, name);
      await this.users.rememberOrganization(user.id, organization.id);
      await this.account.sendVerification(user);
      return user;
    });
  }

  /**
   * Checks an email and password. Every attempt costs one bcrypt comparison, whether or not the
   * account exists, so timing tells nothing more than the answer does.
   */
  async validateCredentials(email: string, password: string): Promise<ProfileView> {
    try {
      const account = await this.checkCredentials(email, password);
      this.metrics.logins.inc({ outcome: 'success' });
      return account;
    } catch (error) {
      const outcome = (error as { code?: string }).code;
      if (LOGIN_FAILURE_OUTCOMES.has(outcome ?? '')) {
        this.metrics.logins.inc({ outcome });
        // Attempts refused during a lockout are only counted: the lockout itself is audited once
        // (login.blocked), so an attack cannot flood the trail or the database.
        if (outcome !== 'rate_limited') {
          await this.audit.recordBestEffort({
            type: 'login.failed',
            details: { email: email.trim().toLowerCase(), reason: outcome ?? null },
          });
        }
      }
      throw error;
    }
  }

  private async checkCredentials(email: string, password: string): Promise<ProfileView> {
    const refusal = await this.limits.checkAccountOpen(email);
    if (refusal) {
      if (refusal.blockStarted) await this.auditLockout(email, null, refusal.blockStarted);
      return this.limits.refuseLogin(refusal.retryAfterSeconds);
    }
    const endAttempt = await this.limits.beginAccountAttempt(email);
    try {
      return await this.checkPassword(email, password);
    } finally {
      await endAttempt();
    }
  }

  /** The account with its organizations (what login scopes the session to), once the password matched. */
  private async checkPassword(email: string, password: string): Promise<ProfileView> {
    const account = await this.profiles.findByEmailWithPasswordHash(email.trim());
    const user = account?.user;
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!user || !matches) {
      // Unknown emails count too: the throttle must not tell them apart.
      const lockout = await this.limits.recordLoginFailure(email);
      if (lockout) await this.auditLockout(email, user?.id ?? null, lockout);
      if (!user) throw this.config.loginHideUnknownAccounts ? new InvalidCredentialsError() : new AccountNotFoundError();
      throw new InvalidCredentialsError();
    }
    await this.limits.recordLoginSuccess(email);
    // Only after the password matched: an unverified account is not revealed to a guesser.
    if (this.config.requireVerifiedEmail && !user.emailVerifiedAt) throw new EmailNotVerifiedError();
    const hash = user.passwordHash as string;
    if (this.passwords.needsRehash(hash)) {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    }
    delete user.passwordHash;
    return { user, organizations: account.organizations };
  }

  private auditLockout(email: string, userId: string | null, lockout: Lockout): Promise<void> {
    return this.audit.recordBestEffort({
      type: 'login.blocked',
      actorUserId: userId,
      details: { email: email.trim().toLowerCase(), failures: lockout.failures, lock_seconds: lockout.lockSeconds },
    });
  }

  /**
   * Accepts an access token only when its signature, type and expiry hold and, live, its session
   * is not revoked or expired, its user exists and its organization is not deleted: one query,
   * which on a @NeedsProfile() route also reads the profile the route answers with.
   */
  async authenticate(token: string, withProfile = false): Promise<Principal> {
    const claims = await this.tokens.verifyAccessToken(token);
    if (!claims) throw new UnauthorizedError();
    const live = await this.sessions.findLiveSessionCheck(claims.sid, claims.sub, claims.org_id, withProfile);
    if (!live || !live.organizationLive) throw new UnauthorizedError();
    // last_used_at without a write per request: at most one per session and minute.
    if (Date.now() - live.lastUsedAt.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
      await this.sessions.touch(claims.sid, LAST_USED_RESOLUTION_SECONDS);
    }
    return {
      userId: live.userId,
      sessionId: claims.sid,
      email: live.email,
      systemRole: live.systemRole,
      organizationId: claims.org_id,
      profile: live.profile,
    };
  }

  /**
   * Opens a session in the user's current organization and issues its first token pair. The
   * account was read with its organizations by the credential check, so this is one write (the
   * session and its audit event in one statement) while the access token is signed on the thread pool.
   */
  async login({ user, organizations }: ProfileView, client: ClientInfo): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const current = pickCurrentOrganization(organizations, user.lastOrganizationId);
    // A new session ends after REFRESH_TOKEN_TTL unless refreshed, and never after SESSION_MAX_LIFETIME.
    const { refreshTokenTtl, sessionMaxLifetime } = this.config;
    const sessionEnd = new Date(Date.now() + Math.min(refreshTokenTtl, sessionMaxLifetime) * 1000);
    const refresh = this.tokens.signRefreshToken(user.id, sessionId, sessionEnd);
    const access = this.tokens.signAccessToken(
      { userId: user.id, sessionId, email: user.email, systemRole: user.role, organization: current },
      sessionEnd,
    );
    // Neither token leaves before the session is stored; a failed write discards both.
    const [, token] = await Promise.all([
      this.sessions.insert(
        {
          id: sessionId,
          userId: user.id,
          organizationId: current?.id ?? null,
          refreshTokenHash: refresh.jtiHash,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
          ip: client.ip,
          expiresAt: sessionEnd,
        },
        this.audit.entry({ type: 'login.succeeded', actorUserId: user.id, organizationId: current?.id, targetId: sessionId }),
      ),
      access,
    ]);
    return { token, refreshToken: refresh.token, user, currentOrganization: current, organizations };
  }

  /**
   * POST /refresh-token: rotates the session's refresh token and issues a new pair. The session
   * keeps its organization while the user is still a member of it; otherwise it falls back as
   * login does.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
    const claims = await this.tokens.verifyRefreshToken(refreshToken);
    if (!claims) throw new UnauthorizedError('The refresh token is invalid or expired');
    return this.rotate(claims, client, (organizations, session, user) => {
      const kept = organizations.find((organization) => organization.id === session.organizationId);
      return kept ?? pickCurrentOrganization(organizations, user.lastOrganizationId);
    });
  }

  /**
   * POST /me/switch-organization: the refresh token must be the newest of the caller's own
   * session (the one of the bearer token); it is rotated and the new pair is scoped to the target
   * organization, which login will also start in from now on.
   */
  async switchOrganization(
    principal: Principal,
    organizationId: string,
    refreshToken: string,
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const claims = await this.tokens.verifyRefreshToken(refreshToken);
    if (!claims || claims.sid !== principal.sessionId || claims.sub !== principal.userId) {
      throw new UnauthorizedError('The refresh token is not a valid token of this session');
    }
    return this.rotate(
      claims,
      client,
      (organizations) => {
        // Thrown inside the transaction: the rotation is rolled back, the token stays usable.
        const target = organizations.find((organization) => organization.id === organizationId);
        if (!target) throw new NotAMemberError();
        return target;
      },
      { remember: true },
    );
  }

  /** POST /logout: revokes the caller's session; its tokens stop working at once. */
  async logout(principal: Principal): Promise<void> {
    await this.tx.run(async () => {
      await this.sessions.revoke(principal.sessionId, 'logout');
      await this.audit.record({
        type: 'session.revoked',
        actorUserId: principal.userId,
        organizationId: principal.organizationId,
        targetId: principal.sessionId,
        details: { reason: 'logout' },
      });
    });
  }

  private async rotate(
    claims: RefreshTokenClaims,
    client: ClientInfo,
    chooseOrganization: ChooseOrganization,
    { remember = false } = {},
  ): Promise<IssuedSession> {
    // Only its jti hash goes into the row; the token is signed once the row says when the session
    // ends (the sliding end, capped by the session's maximum lifetime).
    const jti = randomUUID();
    const rotation: Rotation = {
      sessionId: claims.sid,
      userId: claims.sub,
      presentedHash: hashTokenId(claims.jti),
      nextHash: hashTokenId(jti),
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtl * 1000),
      maxLifetimeSeconds: this.config.sessionMaxLifetime,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
    };
    // A refresh is one statement, atomic by itself. A switch also remembers the organization, and
    // a target the user is not a member of must leave the token usable: a transaction.
    const work = () => this.rotateOnce(claims, rotation, chooseOrganization, remember);
    const outcome = remember ? await this.tx.run(work) : await work();
    // Thrown after the commit, so a revocation for reuse is kept.
    if (outcome.refused) throw outcome.refused;
    const { user, organizations, current, sessionEnd } = outcome;
    const next = this.tokens.signRefreshToken(claims.sub, claims.sid, sessionEnd, jti);
    const token = await this.tokens.signAccessToken(
      { userId: user.id, sessionId: claims.sid, email: user.email, systemRole: user.role, organization: current },
      sessionEnd,
    );
    return { token, refreshToken: next.token, user, currentOrganization: current, organizations };
  }

  private async rotateOnce(
    claims: RefreshTokenClaims,
    rotation: Rotation,
    chooseOrganization: ChooseOrganization,
    remember: boolean,
  ): Promise<RotationOutcome> {
    const rotated = await this.sessions.rotateRefreshToken(rotation);
    if (!rotated) return { refused: await this.tx.run(() => this.refuseStaleRefreshToken(claims, rotation.presentedHash)) };
    const { user, organizations } = rotated.profile;
    const current = chooseOrganization(organizations, rotated, user);
    if ((current?.id ?? null) !== rotated.organizationId) {
      if (remember) await this.sessions.updateOrganization(rotated.id, current?.id ?? null);
      // Only which organization the session starts from next time: the new tokens carry
      // `current` either way, so a failure here must not cost the client its rotated token.
      else await this.keepSessionOrganization(rotated.id, current?.id ?? null);
    }
    if (remember && current) await this.users.rememberOrganization(user.id, current.id);
    return { refused: null, user, organizations, current, sessionEnd: rotated.expiresAt };
  }

  private async keepSessionOrganization(sessionId: string, organizationId: string | null): Promise<void> {
    try {
      await this.sessions.updateOrganization(sessionId, organizationId);
    } catch (error) {
      this.logger.error({ err: error, session_id: sessionId }, 'could not move a refreshed session to its new organization');
    }
  }

  /**
   * A validly signed refresh token that is no longer the newest of its session. Only this
   * service signs them, so it is an earlier token of the same chain: reuse, which revokes the
   * whole session, unless it is the immediate predecessor within the grace window (a client's
   * concurrent refreshes), which is refused without revoking.
   */
  private async refuseStaleRefreshToken(claims: RefreshTokenClaims, presentedHash: string): Promise<AppError> {
    const session = await this.sessions.findById(claims.sid);
    if (!session || session.userId !== claims.sub || session.revokedAt !== null || session.expiresAt.getTime() <= Date.now()) {
      return new UnauthorizedError('The refresh token is invalid, expired or revoked');
    }
    const graceMs = this.config.refreshReuseGraceSeconds * 1000;
    if (
      session.previousRefreshTokenHash === presentedHash &&
      session.rotatedAt !== null &&
      Date.now() - session.rotatedAt.getTime() < graceMs
    ) {
      return new UnauthorizedError('This refresh token was just rotated by a concurrent request; use the newest one');
    }
    await this.sessions.revoke(session.id, 'refresh_reuse');
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

/** The organization the user last chose, if still theirs; else the oldest membership. */
export function pickCurrentOrganization(
  organizations: OrganizationScope[],
  lastOrganizationId: string | null,
): OrganizationScope | null {
  return organizations.find((organization) => organization.id === lastOrganizationId) ?? organizations[0] ?? null;
}
