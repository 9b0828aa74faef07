import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { sha256Hex } from '../common/crypto';
import type { Principal } from '../common/request/principal';
import { OrganizationSettings } from '../config/organizations.settings';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { normalizeEmail } from '../users/email';
import { eventData } from './event-data';
import { InvitationMailer } from './invitation-mailer';
import { InvitationRules, InvitationStatus } from './invitation-rules';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import {
  InvitationExistsError,
  InvitationNotFoundError,
  MemberLimitReachedError,
  UnknownRoleIdError,
} from './organizations.errors';
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

/** An invitation with where it stands now. */
export interface ListedInvitation extends InvitationView {
  status: InvitationStatus;
}

export interface IssuedInvitation {
  invitation: ListedInvitation;
  /**
   * The accept token, answered only while INVITATION_TOKEN_IN_RESPONSE=true (Togul compatibility);
   * otherwise it travels only in the invitation email. The database keeps its SHA-256.
   */
  acceptToken: string | undefined;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly settings: OrganizationSettings,
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly invitations: InvitationsRepository,
    private readonly roles: RolesRepository,
    private readonly rules: InvitationRules,
    private readonly mailer: InvitationMailer,
    private readonly events: EventsService,
  ) {}

  /**
   * Invites an email into the caller's organization with a role. One pending invitation per
   * email; members and pending invitations together stay within ORG_MAX_MEMBERS; at most
   * INVITATION_EMAIL_LIMIT emails per recipient (an invite-and-revoke loop would mail anyone).
   */
  createInvitation(principal: Principal, request: InvitationRequest): Promise<IssuedInvitation> {
    const email = normalizeEmail(request.email);
    return this.tx.run(async () => {
      const access = await this.access.authorize(principal, TOKEN_SCOPE, 'members.invite', 'write');
      const organizationId = access.organization.id;
      const role = await this.roles.findAvailable(request.roleId, organizationId);
      if (!role) throw new UnknownRoleIdError();
      if (role.id === SYSTEM_ROLE_IDS.owner) this.access.requireOwner(access);
      this.access.requireHeld(access, role.permissions);
      const now = new Date();
      await this.rules.requireInvitable(organizationId, email, now);
      const limit = this.settings.maxMembers;
      if (limit !== undefined && (await this.rules.seatsTaken(organizationId, now)) >= limit)
        throw new MemberLimitReachedError(limit);
      const acceptToken = randomBytes(ACCEPT_TOKEN_BYTES).toString('base64url');
      const invitation = await this.invitations.insertUnlessPendingExists({
        organizationId,
        email,
        roleId: role.id,
        invitedBy: principal.userId,
        tokenHash: sha256Hex(acceptToken),
        expiresAt: new Date(now.getTime() + request.expiresInHours * HOUR_MS),
      });
      if (!invitation) throw new InvitationExistsError();
      // Counted once the invitation is certain; a refusal rolls it back.
      await this.mailer.send(invitation.invitation, access.organization.name, role.name, acceptToken);
      const issued: ListedInvitation = { ...invitation, status: 'pending' };
      await this.events.emit('identity.invitation.created', invitation.invitation.id, eventData.invitation(issued));
      return { invitation: issued, acceptToken: this.settings.invitationTokenInResponse ? acceptToken : undefined };
    });
  }

  /** Every invitation with its status; a revoked one is one whose inviter may no longer invite. */
  listInvitations(principal: Principal): Promise<ListedInvitation[]> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'members.read', 'read');
      const views = await this.invitations.listByOrganization(organization.id);
      const statuses = await this.rules.statusesOf(organization.id, views);
      return views.map((view, index) => ({ ...view, status: statuses[index] }));
    });
  }

  /** One batch of the retention sweep (INVITATION_RETENTION): invitations accepted or expired more than `ageSeconds` ago. */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return this.invitations.deleteFinishedBefore(ageSeconds, limit);
  }

  /** Revokes an invitation: it is deleted and its token stops working. */
  revokeInvitation(principal: Principal, id: string): Promise<void> {
    return this.tx.run(async () => {
      const { organization } = await this.access.authorize(principal, TOKEN_SCOPE, 'members.invite', 'write');
      const found = await this.invitations.findInOrganization(id, organization.id);
      if (!found) throw new InvitationNotFoundError();
      await this.invitations.deleteInvitation(id);
      await this.events.emit('identity.invitation.revoked', id, eventData.invitation({ ...found, status: 'revoked' }));
    });
  }
}
