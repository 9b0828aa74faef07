import { Injectable } from '@nestjs/common';

import { OrganizationSettings } from '../config/organizations.settings';
import { MailService } from '../mail/mail.service';
import { invitationEmail } from '../mail/templates';
import { Quotas } from '../rate-limit/quotas';

/** The invitation email, within INVITATION_EMAIL_LIMIT per recipient and organization. */
@Injectable()
export class InvitationMailer {
  constructor(
    private readonly settings: OrganizationSettings,
    private readonly mail: MailService,
    private readonly quotas: Quotas,
  ) {}

  /**
   * Queues the email in the caller's transaction; past the limit it answers 429 and the
   * invitation rolls back with it (an invite-and-revoke loop would otherwise mail anyone).
   */
  async send(
    invitation: { organizationId: string; email: string; expiresAt: Date },
    organizationName: string,
    roleName: string,
    acceptToken: string,
  ): Promise<void> {
    const { organizationId, email, expiresAt } = invitation;
    await this.quotas.consume('invitation_email', `${organizationId}:${email}`, this.settings.invitationEmailLimits);
    await this.mail.enqueue(
      invitationEmail(email, organizationName, roleName, this.mail.link('/accept-invitation', acceptToken), expiresAt),
    );
  }
}
