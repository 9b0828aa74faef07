import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { PersonalDataService } from '../organizations/personal-data.service';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { AccountGoneError } from './account.errors';
import { EmailTokensService } from './email-tokens.service';
import { PasswordConfirmation } from './password-confirmation';

export interface DeletionRequest {
  password: string;
  /** The TOTP code, for an account with TOTP on (see SecondFactorCheck). */
  code: string | undefined;
}

/**
 * DELETE /me: the account is erased (GDPR art. 17), in one transaction. What goes: the users row
 * (name, email, password hash), every session (revoked, announced, then deleted), every email
 * token, the account's own emails, every membership, and the organizations where the user was the
 * only member. What stays: audit events, with the user id but without the email or a name, and
 * the other organizations. The email may register again.
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly confirmation: PasswordConfirmation,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly organizations: PersonalDataService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The password (and the second factor, when the account has one) is checked first, under the
   * login throttle like POST /me/password: wrong ones count. 409 last_owner while the user is the
   * last owner of an organization that has other members; nothing is changed then.
   */
  async deleteAccount(principal: Principal, request: DeletionRequest, address: string | null): Promise<void> {
    await this.confirmation.confirm(
      principal,
      { password: request.password, secondFactor: { code: request.code } },
      address,
      'delete_account',
    );
    const email = await this.tx.run(async () => {
      // Locked first: a second deletion of the same account waits here, then finds it gone (401).
      const user = await this.users.lockForDeletion(principal.userId);
      if (!user) throw new AccountGoneError();
      await this.organizations.releaseAccount(user.id);
      await this.sessions.endAllOfUser(user.id);
      await this.emailTokens.deleteAllOfUser(user.id);
      await this.mail.forgetAccountEmails(user.email);
      await this.audit.forgetPerson(user.email);
      await this.users.deleteUser(user.id);
      await this.audit.record({
        type: 'user.deleted',
        actorUserId: user.id,
        organizationId: principal.organizationId,
        targetId: user.id,
      });
      return user.email;
    });
    // The address may register again: a new account starts with a clean throttle.
    await this.confirmation.clearThrottle(email);
  }
}
