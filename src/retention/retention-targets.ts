import { Injectable } from '@nestjs/common';

import { EmailTokensService } from '../account/email-tokens.service';
import { AuditService } from '../audit/audit.service';
import { RetentionSettings } from '../config/retention.settings';
import { EventsService } from '../events/events.service';
import { MailService } from '../mail/mail.service';
import { InvitationsService } from '../organizations/invitations.service';
import { SessionsService } from '../sessions/sessions.service';
import { SignInChallengeTargets } from './sign-in-challenge-targets';

export const RETENTION_KINDS = [
  'session',
  'email_token',
  'email',
  'event',
  'invitation',
  'audit_event',
  'mfa_challenge',
  'webauthn_challenge',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** One kind of finished row, how long it is kept, and its owner's batch delete. */
export interface RetentionTarget {
  kind: RetentionKind;
  /** Seconds after a row finished that it is deleted; undefined: kept for ever. */
  ageSeconds: number | undefined;
  /** Deletes at most `limit` rows that finished more than `ageSeconds` ago; answers how many. */
  deleteBatch(ageSeconds: number, limit: number): Promise<number>;
}

/**
 * What the sweep removes, table by table, each through the module that owns the table: the
 * sweep knows no table of its own.
 */
@Injectable()
export class RetentionTargets {
  readonly all: readonly RetentionTarget[];

  constructor(
    settings: RetentionSettings,
    sessions: SessionsService,
    emailTokens: EmailTokensService,
    mail: MailService,
    events: EventsService,
    invitations: InvitationsService,
    audit: AuditService,
    signInChallenges: SignInChallengeTargets,
  ) {
    this.all = [
      { kind: 'session', ageSeconds: settings.sessionSeconds, deleteBatch: (age, n) => sessions.deleteEndedBefore(age, n) },
      {
        kind: 'email_token',
        ageSeconds: settings.emailTokenSeconds,
        deleteBatch: (age, n) => emailTokens.deleteFinishedBefore(age, n),
      },
      { kind: 'email', ageSeconds: settings.outboxSeconds, deleteBatch: (age, n) => mail.deleteDoneBefore(age, n) },
      { kind: 'event', ageSeconds: settings.outboxSeconds, deleteBatch: (age, n) => events.deletePublishedBefore(age, n) },
      {
        kind: 'invitation',
        ageSeconds: settings.invitationSeconds,
        deleteBatch: (age, n) => invitations.deleteFinishedBefore(age, n),
      },
      { kind: 'audit_event', ageSeconds: settings.auditSeconds, deleteBatch: (age, n) => audit.deleteOlderThan(age, n) },
      ...signInChallenges.all,
    ];
  }
}
