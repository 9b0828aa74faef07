import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { invitationEmail } from '../mail/templates';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { MembersRepository, MemberView } from './members.repository';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import {
  AccountDetailsRequiredError,
  AlreadyMemberError,
  InvalidInvitationTokenError,
  InvitationExistsError,
  InvitationExpiredError,
  InvitationNotFoundError,
  MemberLimitReachedError,
  UnknownRoleIdError,
} from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { SYSTEM_ROLE_IDS } from './permissions';
import { RolesRepository } from './roles.repository';

// 256 bits of randomness: guessing an accept token is hopeless.
const ACCEPT_TOKEN_BYTES = 32;
const HOUR_MS = 3_600_000;

export interface InvitationRequest {
  email: string;
  roleId: string;
  expiresInHours: number;
}

export interface IssuedInvitation {
  invitation: InvitationView;
  /**
   * The only copy of the accept token; the database keeps its SHA-256. This is the seam for
   * email delivery: a mailer will send it from here instead of the API answering it.
   */
  acceptToken: string;
}

export interface Acceptance {
  token: string;
  name?: string;
  password?: string;
}

export function hashAcceptToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class InvitationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly invitations: InvitationsRepository,
    private readonly members: MembersRepository,
    private readonly roles: RolesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
    private readonly mail: MailService,
  ) {}

  /**
   * Invites an email into the caller's organization with a role. One pending invitation per
   * email; members and pending invitations together stay within ORG_MAX_MEMBERS.
   */
  createInvitation(principal: Principal, request: InvitationRequest): Promise<IssuedInvitation> {
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'members.invite', 'write');
      const organizationId = access.organization.id;
      const role = await this.roles.findAvailable(request.roleId, organizationId);
      if (!role) throw new UnknownRoleIdError();
      if (role.id === SYSTEM_ROLE_IDS.owner) this.access.requireOwner(access);
      this.access.requireHeld(access, role.permissions);
      if (await this.members.existsWithEmail(organizationId, request.email)) throw new AlreadyMemberError();
      const now = new Date();
      await this.invitations.deleteExpiredPending(organizationId, request.email, now);
      const limit = this.config.orgMaxMembers;
      if (limit !== undefined) {
        const seats =
          (await this.members.countByOrganization(organizationId)) + (await this.invitations.countPending(organizationId, now));
        if (seats >= limit) throw new MemberLimitReachedError(limit);
      }
      const acceptToken = randomBytes(ACCEPT_TOKEN_BYTES).toString('base64url');
      const invitation = await this.invitations.insertUnlessPendingExists({
        organizationId,
        email: request.email,
        roleId: role.id,
        invitedBy: principal.userId,
        tokenHash: hashAcceptToken(acceptToken),
        expiresAt: new Date(now.getTime() + request.expiresInHours * HOUR_MS),
      });
      if (!invitation) throw new InvitationExistsError();
      await this.mail.enqueue(
        invitationEmail(
          request.email,
          access.organization.name,
          role.name,
          this.mail.link('/accept-invitation', acceptToken),
          invitation.invitation.expiresAt,
        ),
      );
      return { invitation, acceptToken };
    });
  }

  listInvitations(principal: Principal): Promise<InvitationView[]> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'members.read', 'read');
      return this.invitations.listByOrganization(organization.id);
    });
  }

  /** Revokes an invitation: it is deleted and its token stops working. */
  revokeInvitation(principal: Principal, id: string): Promise<void> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'members.invite', 'write');
      const found = await this.invitations.findInOrganization(id, organization.id);
      if (!found) throw new InvitationNotFoundError();
      await this.invitations.deleteInvitation(id);
    });
  }

  /**
   * Accepts an invitation: creates the account when the email has none (name and password
   * required), adds the membership and marks the invitation accepted, all in one transaction.
   * The token proves control of the mailbox, so an account created here starts verified.
   */
  async acceptInvitation({ token, name, password }: Acceptance): Promise<MemberView> {
    const tokenHash = hashAcceptToken(token);
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
      if (await this.organizations.findMembership(user.id, organization.id)) throw new AlreadyMemberError();
      const membership = await this.organizations.insertMembership(user.id, organization.id, invitation.roleId);
      await this.invitations.markAccepted(invitation.id, now);
      await this.audit.record({
        type: 'member.added',
        actorUserId: user.id,
        organizationId: organization.id,
        targetId: membership.id,
        details: { user_id: user.id, invitation_id: invitation.id, invited_by: invitation.invitedBy },
      });
      return (await this.members.findInOrganization(membership.id, organization.id)) as MemberView;
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
