import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { sha256Hex } from '../common/crypto';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { eventData } from './event-data';
import { InvitationRules } from './invitation-rules';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { AcceptingCaller, InviteeAccounts } from './invitee-accounts';
import { MembershipsRepository, MemberView } from './memberships.repository';
import {
  AlreadyMemberError,
  InvalidInvitationTokenError,
  InvitationExpiredError,
  InvitationRevokedError,
} from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';

/** POST /invitations/accept: the accept token turns into a membership (and an account when needed). */
@Injectable()
export class InvitationAcceptanceService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly invitations: InvitationsRepository,
    private readonly rules: InvitationRules,
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly invitees: InviteeAccounts,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Accepts an invitation: into the invited email's account when it has one (signed in as it),
   * else into a new account (name and password required); adds the membership and marks the
   * invitation accepted, in one transaction.
   */
  async acceptInvitation(token: string, caller: AcceptingCaller): Promise<MemberView> {
    const found = await this.acceptable(await this.invitations.findByTokenHash(sha256Hex(token)));
    const invitee = await this.invitees.resolve(found.invitation.email, caller);

    return this.tx.run(async () => {
      // Same lock order as every other change to the organization: organization row, then invitation.
      const organization = await this.organizations.lockLive(found.invitation.organizationId);
      const locked = organization ? await this.invitations.lockById(found.invitation.id) : null;
      const { invitation } = await this.acceptable(
        locked && organization ? await this.invitations.findInOrganization(locked.id, organization.id) : null,
      );
      const now = new Date();
      const user = await this.invitees.accountFor(invitation.email, invitee, now, invitation.organizationId);
      if (await this.memberships.findMembership(user.id, invitation.organizationId)) throw new AlreadyMemberError();
      const membership = await this.memberships.insertMembership(user.id, invitation.organizationId, invitation.roleId);
      await this.invitations.markAccepted(invitation.id, now);
      await this.audit.record({
        type: 'member.added',
        actorUserId: user.id,
        organizationId: invitation.organizationId,
        targetId: membership.id,
        details: { user_id: user.id, invitation_id: invitation.id, invited_by: invitation.invitedBy },
      });
      const member = (await this.memberships.findMember(membership.id, invitation.organizationId)) as MemberView;
      await this.events.emit('identity.invitation.accepted', invitation.id, async () => {
        const accepted = await this.invitations.findInOrganization(invitation.id, invitation.organizationId);
        return eventData.invitation({ ...(accepted as InvitationView), status: 'accepted' });
      });
      await this.events.emit('identity.member.added', membership.id, eventData.member(invitation.organizationId, member));
      return member;
    });
  }

  /** The invitation, if it can be accepted: 401 for an unknown, used or revoked one, 400 for an expired one. */
  private async acceptable(view: InvitationView | null): Promise<InvitationView> {
    if (!view || view.invitation.acceptedAt !== null) throw new InvalidInvitationTokenError();
    const status = await this.rules.statusOf(view);
    if (status === 'revoked') throw new InvitationRevokedError();
    if (status === 'expired') throw new InvitationExpiredError();
    return view;
  }
}
