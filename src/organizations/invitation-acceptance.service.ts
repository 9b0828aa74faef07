import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { sha256Hex } from '../common/crypto';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { eventData } from './event-data';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { MembershipsRepository, MemberView } from './memberships.repository';
import {
  AccountDetailsRequiredError,
  AlreadyMemberError,
  InvalidInvitationTokenError,
  InvitationExpiredError,
} from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';

export interface Acceptance {
  token: string;
  name?: string;
  password?: string;
}

/** POST /invitations/accept: the accept token turns into a membership (and an account when needed). */
@Injectable()
export class InvitationAcceptanceService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly invitations: InvitationsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Accepts an invitation: creates the account when the email has none (name and password
   * required), adds the membership and marks the invitation accepted, all in one transaction.
   * The token proves control of the mailbox, so an account created here starts verified.
   */
  async acceptInvitation({ token, name, password }: Acceptance): Promise<MemberView> {
    const tokenHash = sha256Hex(token);
    const found = await this.invitations.findByTokenHash(tokenHash);
    if (!found || found.acceptedAt !== null) throw new InvalidInvitationTokenError();
    if (found.expiresAt.getTime() <= Date.now()) throw new InvitationExpiredError();
    const existing = await this.users.findByEmail(found.email);
    let passwordHash: string | undefined;
    if (!existing) {
      const missing = [...(name ? [] : ['name' as const]), ...(password ? [] : ['password' as const])];
      if (missing.length > 0) throw new AccountDetailsRequiredError(missing);
      // Hashed before the transaction: bcrypt is slow and the organization stays locked meanwhile otherwise.
      passwordHash = await this.passwords.hash(password as string);
    }

    return this.tx.run(async () => {
      // Same lock order as every other change to the organization: organization row, then invitation.
      const organization = await this.organizations.lockLive(found.organizationId);
      const invitation = organization ? await this.invitations.lockById(found.id) : null;
      if (!organization || !invitation || invitation.acceptedAt !== null) throw new InvalidInvitationTokenError();
      const now = new Date();
      if (invitation.expiresAt.getTime() <= now.getTime()) throw new InvitationExpiredError();
      const user = await this.accountFor(invitation.email, name, passwordHash, now, organization.id);
      if (await this.memberships.findMembership(user.id, organization.id)) throw new AlreadyMemberError();
      const membership = await this.memberships.insertMembership(user.id, organization.id, invitation.roleId);
      await this.invitations.markAccepted(invitation.id, now);
      await this.audit.record({
        type: 'member.added',
        actorUserId: user.id,
        organizationId: organization.id,
        targetId: membership.id,
        details: { user_id: user.id, invitation_id: invitation.id, invited_by: invitation.invitedBy },
      });
      const member = (await this.memberships.findMember(membership.id, organization.id)) as MemberView;
      await this.events.emit('identity.invitation.accepted', invitation.id, async () =>
        eventData.invitation((await this.invitations.findInOrganization(invitation.id, organization.id)) as InvitationView),
      );
      await this.events.emit('identity.member.added', membership.id, eventData.member(organization.id, member));
      return member;
    });
  }

  private async accountFor(
    email: string,
    name: string | undefined,
    passwordHash: string | undefined,
    now: Date,
    organizationId: string,
  ): Promise<User> {
    const existing = await this.users.findByEmail(email);
    if (existing) return existing;
    if (name === undefined || passwordHash === undefined) throw new AccountDetailsRequiredError(['name', 'password']);
    const user = await this.users.createUser({ name, email, passwordHash, emailVerifiedAt: now });
    await this.users.rememberOrganization(user.id, organizationId);
    return user;
  }
}
