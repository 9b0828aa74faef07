import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { AuditEvent } from '../audit/audit-event.entity';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { MfaStatusService } from '../mfa/mfa-status.service';
import type { Passkey } from '../mfa/passkey.entity';
import { PasskeysService } from '../mfa/passkeys.service';
import type { TotpStatus } from '../mfa/totp-factors.service';
import type { MembershipRecord } from '../organizations/memberships.repository';
import { PersonalDataService } from '../organizations/personal-data.service';
import type { Session } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountGoneError } from './account.errors';

/** All the service holds about one person. */
export interface AccountExport {
  user: User;
  memberships: MembershipRecord[];
  sessions: Session[];
  auditEvents: AuditEvent[];
  /** The TOTP factor (null: never enrolled); never its secret or the recovery codes' hashes. */
  totp: TotpStatus | null;
  /** The passkeys: names and times, never a credential id or public key. */
  passkeys: Passkey[];
}

/** GET /me/export: what the service holds about the caller (GDPR art. 15 and 20). */
@Injectable()
export class AccountExportService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly organizations: PersonalDataService,
    private readonly audit: AuditService,
    private readonly mfa: MfaStatusService,
    private readonly passkeys: PasskeysService,
  ) {}

  /**
   * Read in one read-only REPEATABLE READ transaction: the parts agree with each other (an audit
   * event of a session is there with the session), whatever commits meanwhile.
   */
  exportAccount(principal: Principal): Promise<AccountExport> {
    return this.tx.snapshot(async () => {
      const user = await this.users.findById(principal.userId);
      if (!user) throw new AccountGoneError();
      const memberships = await this.organizations.membershipsOf(user.id);
      const sessions = await this.sessions.listAllOfUser(user.id);
      const related = [...sessions.map((session) => session.id), ...memberships.map((record) => record.membership.id)];
      const auditEvents = await this.audit.aboutPerson(user.id, user.email, related);
      const totp = await this.mfa.totpStatusOf(user.id);
      const passkeys = await this.passkeys.list(user.id);
      return { user, memberships, sessions, auditEvents, totp, passkeys };
    });
  }
}
