import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { sha256Hex } from '../common/crypto';
import type { Principal } from '../common/request/principal';
import { OrganizationSettings } from '../config/organizations.settings';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { MailService } from '../mail/mail.service';
import { invitationEmail } from '../mail/templates';
import { eventData } from './event-data';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationAccess, TOKEN_SCOPE } from './organization-access';
import {
  AlreadyMemberError,
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

export interface IssuedInvitation {
  invitation: InvitationView;
  /**
   * The only copy of the accept token; the database keeps its SHA-256. This is the seam for
   * email delivery: a mailer will send it from here instead of the API answering it.
   */
  acceptToken: string;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly settings: OrganizationSettings,
    private readonly tx: TransactionHost,
    private readonly access: OrganizationAccess,
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly roles: RolesRepository,
    private readonly mail: MailService,
    private readonly events: EventsService,
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
      if (await this.memberships.existsWithEmail(organizationId, request.email)) throw new AlreadyMemberError();
      const now = new Date();
      await this.invitations.deleteExpiredPending(organizationId, request.email, now);
      const limit = this.settings.maxMembers;
      if (limit !== undefined) {
        const seats =
          (await this.memberships.countByOrganization(organizationId)) +
          (await this.invitations.countPending(organizationId, now));
        if (seats >= limit) throw new MemberLimitReachedError(limit);
      }
      const acceptToken = randomBytes(ACCEPT_TOKEN_BYTES).toString('base64url');
      const invitation = await this.invitations.insertUnlessPendingExists({
        organizationId,
        email: request.email,
        roleId: role.id,
        invitedBy: principal.userId,
        tokenHash: sha256Hex(acceptToken),
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
      await this.events.emit('identity.invitation.created', invitation.invitation.id, eventData.invitation(invitation));
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
      await this.events.emit('identity.invitation.revoked', id, eventData.invitation(found));
    });
  }
}
