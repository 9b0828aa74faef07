import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TransactionHost } from '../database/transaction-host';
import type { OrganizationScope } from '../organizations/organizations.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { ReadOnlyAccountError, SessionNotFoundError, UnauthorizedError } from './auth.errors';
import { ProfilesRepository } from './profiles.repository';
import { Principal } from './principal';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { isUuid } from './tokens.service';

export interface Profile {
  user: User;
  currentOrganization: OrganizationScope | null;
  organizations: OrganizationScope[];
}

export interface SessionView {
  session: Session;
  current: boolean;
}

/** The caller's own account: profile, name, sessions. */
@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersService,
    private readonly profiles: ProfilesRepository,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly tx: TransactionHost,
  ) {}

  /**
   * The current organization is the access token's, while the caller is still a member of it. The
   * bearer guard has read the profile with its session check on a @NeedsProfile() route.
   */
  async getProfile(principal: Principal): Promise<Profile> {
    const profile = principal.profile ?? (await this.profiles.findProfile(principal.userId));
    if (!profile) throw new UnauthorizedError();
    const { user, organizations } = profile;
    const current = organizations.find((organization) => organization.id === principal.organizationId) ?? null;
    return { user, currentOrganization: current, organizations };
  }

  async rename(principal: Principal, name: string): Promise<User> {
    if (principal.systemRole === 'read_only') throw new ReadOnlyAccountError();
    return this.users.rename(principal.userId, name);
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
      await this.audit.record({
        type: 'session.revoked',
        actorUserId: principal.userId,
        organizationId: principal.organizationId,
        targetId: sessionId,
        details: { reason: 'session_deleted' },
      });
    });
  }
}
