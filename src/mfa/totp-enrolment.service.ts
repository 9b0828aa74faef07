import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/request/principal';
import { ServerSettings } from '../config/server.settings';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { SessionsService } from '../sessions/sessions.service';
import { NoPendingEnrolmentError, TotpAlreadyEnabledError, TotpNotEnabledError, WrongConfirmationCodeError } from './mfa.errors';
import { MfaPasswordCheck } from './mfa-password-check';
import { otpauthUrl } from './totp';
import { TotpFactors } from './totp-factors.service';

export interface PendingEnrolment {
  secret: string;
  otpauthUrl: string;
}

/** The caller's own TOTP: enrolment and its confirmation, turning it off, new recovery codes. */
@Injectable()
export class TotpEnrolmentService {
  constructor(
    private readonly settings: ServerSettings,
    private readonly tx: TransactionHost,
    private readonly factors: TotpFactors,
    private readonly passwordCheck: MfaPasswordCheck,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /** A new secret for the authenticator app; TOTP is on only once a code confirms it. 409 while TOTP is on. */
  async enrol(principal: Principal): Promise<PendingEnrolment> {
    const secret = await this.factors.startEnrolment(principal.userId);
    if (secret === null) throw new TotpAlreadyEnabledError();
    return { secret, otpauthUrl: otpauthUrl(secret, this.settings.name, principal.email) };
  }

  /** A code of the pending secret turns TOTP on and issues the first recovery codes, with the audit event and event. */
  confirm(principal: Principal, code: string): Promise<string[]> {
    return this.tx.run(async () => {
      const outcome = await this.factors.confirm(principal.userId, code);
      if (outcome === 'not_pending') throw new NoPendingEnrolmentError();
      if (outcome === 'wrong_code') throw new WrongConfirmationCodeError();
      const codes = await this.factors.issueRecoveryCodes(principal.userId);
      await this.audit.record({ type: 'mfa.enabled', ...this.trail(principal), details: { method: 'totp' } });
      await this.events.emit('identity.user.mfa_enabled', principal.userId, { user_id: principal.userId, method: 'totp' });
      return codes;
    });
  }

  /** With the password: TOTP off, its recovery codes gone, every other session of the user revoked. */
  async disable(principal: Principal, password: string, address: string | null): Promise<void> {
    await this.passwordCheck.confirm(principal, password, address);
    await this.tx.run(async () => {
      if (!(await this.factors.remove(principal.userId))) throw new TotpNotEnabledError();
      await this.sessions.revokeAllOfUser(principal.userId, 'mfa_disabled', principal.sessionId);
      await this.audit.record({ type: 'mfa.disabled', ...this.trail(principal), details: { method: 'totp' } });
      await this.events.emit('identity.user.mfa_disabled', principal.userId, { user_id: principal.userId, method: 'totp' });
    });
  }

  /** With the password: a new set of recovery codes (the old ones die), every other session of the user revoked. */
  async renewRecoveryCodes(principal: Principal, password: string, address: string | null): Promise<string[]> {
    await this.passwordCheck.confirm(principal, password, address);
    return this.tx.run(async () => {
      if (!(await this.factors.isEnabled(principal.userId))) throw new TotpNotEnabledError();
      const codes = await this.factors.issueRecoveryCodes(principal.userId);
      await this.sessions.revokeAllOfUser(principal.userId, 'recovery_codes_renewed', principal.sessionId);
      await this.audit.record({ type: 'mfa.recovery_codes_renewed', ...this.trail(principal) });
      return codes;
    });
  }

  private trail(principal: Principal) {
    return { actorUserId: principal.userId, organizationId: principal.organizationId, targetId: principal.userId };
  }
}
