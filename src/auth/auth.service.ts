import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionHost } from '../database/transaction-host';
import { OrganizationScope, OrganizationsService } from '../organizations/organizations.service';
import { LoginOutcome, MetricsService } from '../metrics/metrics.service';

import { RateLimitService } from '../rate-limit/rate-limit.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountService } from './account.service';
import { AccountNotFoundError, EmailNotVerifiedError, InvalidCredentialsError, UnauthorizedError } from './auth.errors';
import { PasswordHasher } from '../users/password-hasher';
import { Principal } from './principal';
import { SessionsRepository } from './sessions.repository';
import { TokensService } from './tokens.service';

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
  async validateCredentials(email: string, password: string): Promise<User> {
    try {
      const user = await this.checkCredentials(email, password);
      this.metrics.logins.inc({ outcome: 'success' });
      return user;
    } catch (error) {
      const outcome = (error as { code?: string }).code;
      if (LOGIN_FAILURE_OUTCOMES.has(outcome ?? '')) {
        this.metrics.logins.inc({ outcome });
        await this.audit.recordBestEffort({
          type: outcome === 'rate_limited' ? 'login.blocked' : 'login.failed',
          details: { email: email.trim().toLowerCase(), reason: outcome ?? null },
        });
      }
      throw error;
    }
  }

  private async checkCredentials(email: string, password: string): Promise<User> {
    await this.limits.assertAccountOpen(email);
    const user = await this.users.findByEmailWithPasswordHash(email.trim());
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!user || !matches) {
      // Unknown emails count too: the throttle must not tell them apart.
      await this.limits.recordLoginFailure(email);
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
    return user;
  }

  /**
   * Accepts an access token only when its signature, type and expiry hold and, live, its session
   * is not revoked or expired, its user exists and its organization is not deleted.
   */
  async authenticate(token: string): Promise<Principal> {
    const claims = await this.tokens.verifyAccessToken(token);
    if (!claims) throw new UnauthorizedError();
    const [session, user] = await Promise.all([this.sessions.findById(claims.sid), this.users.findById(claims.sub)]);
    if (!session || session.userId !== claims.sub || session.revokedAt !== null || session.expiresAt.getTime() <= Date.now()) {
      throw new UnauthorizedError();
    }
    if (!user) throw new UnauthorizedError();
    if (claims.org_id !== null && !(await this.organizations.isLive(claims.org_id))) throw new UnauthorizedError();
    return { userId: user.id, sessionId: session.id, email: user.email, systemRole: user.role, organizationId: claims.org_id };
  }

  /** Opens a session in the user's current organization and issues its first token pair. */
  async login(user: User, client: ClientInfo): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const refresh = await this.tokens.signRefreshToken(user.id, sessionId);
    const { organizations, current } = await this.tx.run(async () => {
      const organizations = await this.organizations.listForUser(user.id);
      const current = pickCurrentOrganization(organizations, user.lastOrganizationId);
      await this.sessions.insert({
        id: sessionId,
        userId: user.id,
        organizationId: current?.id ?? null,
        refreshTokenHash: refresh.jtiHash,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip,
        expiresAt: refresh.expiresAt,
      });
      await this.audit.record({
        type: 'login.succeeded',
        actorUserId: user.id,
        organizationId: current?.id,
        targetId: sessionId,
      });
      return { organizations, current };
    });
    const token = await this.tokens.signAccessToken({
      userId: user.id,
      sessionId,
      email: user.email,
      systemRole: user.role,
      organization: current,
    });
    return { token, refreshToken: refresh.token, user, currentOrganization: current, organizations };
  }
}

/** The organization the user last chose, if still theirs; else the oldest membership. */
export function pickCurrentOrganization(
  organizations: OrganizationScope[],
  lastOrganizationId: string | null,
): OrganizationScope | null {
  return organizations.find((organization) => organization.id === lastOrganizationId) ?? organizations[0] ?? null;
}
