import { parseDuration, setting, SettingRefused, SettingsTable } from './setting';

const DAY_SECONDS = 86_400;

/** How long finished rows are kept, and how the retention sweeper removes them. */
export class RetentionSettings {
  /** Seconds after its end (expiry or revocation) a session row is deleted. */
  declare readonly sessionSeconds: number;
  /** Seconds after use or expiry an email token row is deleted. */
  declare readonly emailTokenSeconds: number;
  /** Seconds after sending (or giving up) an email, and after publishing an event, its outbox row is deleted. */
  declare readonly outboxSeconds: number;
  /** Seconds after acceptance or expiry an invitation row is deleted. */
  declare readonly invitationSeconds: number;
  /** Seconds an audit event is kept; undefined: for ever. */
  declare readonly auditSeconds: number | undefined;
  /** Seconds between two sweeps of a replica. */
  declare readonly sweepIntervalSeconds: number;
  /** Rows deleted per statement (and per short transaction). */
  declare readonly batchSize: number;
}

export const RETENTION_SETTINGS: SettingsTable<RetentionSettings> = {
  sessionSeconds: setting.duration(
    'SESSION_RETENTION',
    '30d',
    'How long an expired or revoked session is kept (its device, address and times) before it is deleted',
  ),
  emailTokenSeconds: setting.duration(
    'EMAIL_TOKEN_RETENTION',
    '7d',
    'How long a used or expired verification or reset token (its hash), or passkey challenge, is kept before it is deleted',
  ),
  outboxSeconds: setting.duration(
    'OUTBOX_RETENTION',
    '7d',
    'How long a sent (or given-up) email and a published event are kept in the outbox before they are deleted',
  ),
  invitationSeconds: setting.duration(
    'INVITATION_RETENTION',
    '90d',
    'How long an accepted or expired invitation is kept before it is deleted',
  ),
  auditSeconds: setting.optional({
    env: 'AUDIT_RETENTION',
    doc: 'How long audit events are kept (at least 1d). Unset: for ever',
    parse: (value) => {
      const seconds = parseDuration(value);
      // A unit left off (AUDIT_RETENTION=30) must not empty the trail.
      if (seconds < DAY_SECONDS) throw new SettingRefused(`must be at least 1d (got "${value}")`);
      return seconds;
    },
  }),
  sweepIntervalSeconds: setting.duration(
    'RETENTION_SWEEP_INTERVAL',
    '1h',
    'How often each replica runs the retention sweep (one replica at a time does the work)',
  ),
  batchSize: setting.integer(
    'RETENTION_BATCH_SIZE',
    1000,
    'Rows the retention sweep deletes per statement, each batch in a short transaction of its own',
    { min: 1, max: 100_000 },
  ),
};
