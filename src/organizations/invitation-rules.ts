import { Injectable } from '@nestjs/common';

import { Invitation } from './invitation.entity';
import { InvitationsRepository, InvitationView } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';
import { AlreadyMemberError } from './organizations.errors';
import { SYSTEM_ROLE_IDS } from './permissions';
import { Role } from './role.entity';

/**
 * Where an invitation stands. `revoked`: its inviter was removed from the organization (or the
 * account is gone), or no longer may offer it (no members.invite, not an owner for an owner
 * invitation, or missing a permission of the role offered). An invitation deleted with DELETE
 * /invitations/{id} is gone and lists as nothing.
 */
export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * An invitation dies with its inviter's right to make it: the same rules as inviting, read live,
 * so removing or demoting an inviter revokes what they sent without touching each invitation.
 */
export function inviterMayOffer(inviterRole: Role | null, offered: Role): boolean {
  if (!inviterRole?.permissions.includes('members.invite')) return false;
  if (offered.id === SYSTEM_ROLE_IDS.owner && inviterRole.id !== SYSTEM_ROLE_IDS.owner) return false;
  return offered.permissions.every((permission) => inviterRole.permissions.includes(permission));
}

export function invitationStatus(invitation: Invitation, offered: Role, inviterRole: Role | null, now: Date): InvitationStatus {
  if (invitation.acceptedAt !== null) return 'accepted';
  if (!inviterMayOffer(inviterRole, offered)) return 'revoked';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

/** The live standing of invitations, and the seats the pending ones hold. */
@Injectable()
export class InvitationRules {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  /** One invitation, its inviter read live. */
  async statusOf({ invitation, role }: InvitationView, now = new Date()): Promise<InvitationStatus> {
    if (invitation.acceptedAt !== null) return 'accepted';
    const inviter =
      invitation.invitedBy === null
        ? null
        : await this.memberships.findMembership(invitation.invitedBy, invitation.organizationId);
    return invitationStatus(invitation, role, inviter?.role ?? null, now);
  }

  /** Invitations of one organization, their inviters read live in one query. */
  async statusesOf(organizationId: string, views: InvitationView[], now = new Date()): Promise<InvitationStatus[]> {
    const roles = new Map((await this.memberships.listMembers(organizationId)).map((member) => [member.user.id, member.role]));
    return views.map(({ invitation, role }) =>
      invitationStatus(invitation, role, invitation.invitedBy === null ? null : (roles.get(invitation.invitedBy) ?? null), now),
    );
  }

  /** Members plus the pending invitations that can still be accepted (ORG_MAX_MEMBERS counts both). */
  async seatsTaken(organizationId: string, now: Date): Promise<number> {
    const pending = await this.invitations.listPending(organizationId, now);
    const statuses = await this.statusesOf(organizationId, pending, now);
    return (
      (await this.memberships.countByOrganization(organizationId)) + statuses.filter((status) => status === 'pending').length
    );
  }

  /**
   * 409 already_member for a member's email; an expired or revoked invitation of `email` makes
   * room for a new one (it is deleted, its token stops working).
   */
  async requireInvitable(organizationId: string, email: string, now: Date): Promise<void> {
    if (await this.memberships.existsWithEmail(organizationId, email)) throw new AlreadyMemberError();
    const pending = await this.invitations.findPending(organizationId, email);
    if (pending && (await this.statusOf(pending, now)) !== 'pending')
      await this.invitations.deleteInvitation(pending.invitation.id);
  }
}
