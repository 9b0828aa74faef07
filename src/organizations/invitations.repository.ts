import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
import { TransactionHost } from '../database/transaction-host';
import { Invitation } from './invitation.entity';
import { Role } from './role.entity';

export interface NewInvitation {
  organizationId: string;
  email: string;
  roleId: string;
  invitedBy: string;
  tokenHash: string;
  expiresAt: Date;
}

/** An invitation with the role it offers. */
export interface InvitationView {
  invitation: Invitation;
  role: Role;
}

@Injectable()
export class InvitationsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(Invitation);
  }

  private query() {
    return this.repository.createQueryBuilder('invitation').innerJoinAndSelect('invitation.role', 'role');
  }

  /** Pending, accepted and expired, newest first. */
  async listByOrganization(organizationId: string): Promise<InvitationView[]> {
    const invitations = await this.query()
      .where('invitation.organizationId = :organizationId', { organizationId })
      .orderBy('invitation.createdAt', 'DESC')
      .addOrderBy('invitation.id', 'DESC')
      .getMany();
    return invitations.map(toInvitationView);
  }

  async findInOrganization(id: string, organizationId: string): Promise<InvitationView | null> {
    const invitation = await this.query()
      .where('invitation.id = :id AND invitation.organizationId = :organizationId', { id, organizationId })
      .getOne();
    return invitation ? toInvitationView(invitation) : null;
  }

  async findByTokenHash(tokenHash: string): Promise<InvitationView | null> {
    const invitation = await this.query().where('invitation.tokenHash = :tokenHash', { tokenHash }).getOne();
    return invitation ? toInvitationView(invitation) : null;
  }

  /** The pending (not accepted) invitation of `email` in the organization, expired or not. */
  async findPending(organizationId: string, email: string): Promise<InvitationView | null> {
    const invitation = await this.query()
      .where('invitation.organizationId = :organizationId AND invitation.email = :email', { organizationId, email })
      .andWhere('invitation.acceptedAt IS NULL')
      .getOne();
    return invitation ? toInvitationView(invitation) : null;
  }

  /** Pending invitations that have not expired. */
  async listPending(organizationId: string, now: Date): Promise<InvitationView[]> {
    const invitations = await this.query()
      .where('invitation.organizationId = :organizationId', { organizationId })
      .andWhere('invitation.acceptedAt IS NULL AND invitation.expiresAt > :now', { now })
      .getMany();
    return invitations.map(toInvitationView);
  }

  lockById(id: string): Promise<Invitation | null> {
    return this.repository
      .createQueryBuilder('invitation')
      .setLock('pessimistic_write')
      .where('invitation.id = :id', { id })
      .getOne();
  }

  existsPendingWithRole(roleId: string, now: Date): Promise<boolean> {
    return this.repository
      .createQueryBuilder('invitation')
      .where('invitation.roleId = :roleId', { roleId })
      .andWhere('invitation.acceptedAt IS NULL AND invitation.expiresAt > :now', { now })
      .getExists();
  }

  /** Inserts unless a pending invitation for the email exists in the organization (then null). */
  async insertUnlessPendingExists(invitation: NewInvitation): Promise<InvitationView | null> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .into(Invitation)
      .values(invitation)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id === undefined ? null : this.findInOrganization(id, invitation.organizationId);
  }

  async markAccepted(id: string, at: Date): Promise<void> {
    await this.repository.update({ id }, { acceptedAt: at });
  }

  async deleteInvitation(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  /**
   * One batch of the retention sweep: invitations accepted, or expired unaccepted, more than
   * `ageSeconds` ago. A revoked one (its inviter lost the right) is unaccepted and expires within
   * 30 days of its creation, so it goes by its expiry too.
   */
  deleteFinishedBefore(ageSeconds: number, limit: number): Promise<number> {
    return deleteBatch(
      this.tx,
      'invitations',
      [{ column: 'accepted_at' }, { column: 'expires_at', also: 'accepted_at IS NULL' }],
      ageSeconds,
      limit,
    );
  }
}

function toInvitationView(invitation: Invitation): InvitationView {
  return { invitation, role: invitation.role as Role };
}
