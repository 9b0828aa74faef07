import { setting, SettingsTable, urlWithScheme } from './setting';

/** The outbox worker and the links it sends. */
export class MailSettings {
  /** smtp:// or smtps:// URL; undefined: no delivery (development writes emails to dropDir). */
  declare readonly smtpUrl: string | undefined;
  /** Development without SMTP_URL: each email is written here as an .eml file; undefined: emails wait in the outbox. */
  declare readonly dropDir: string | undefined;
  declare readonly from: string;
  /**
   * Base of the links in emails: the front end. Undefined: this service itself, at
   * http://localhost:<the port it listens on> (PublicUrl in common/http knows it once listening).
   */
  declare readonly publicUrl: string | undefined;
  declare readonly pollIntervalMs: number;
  declare readonly retryBaseMs: number;
  declare readonly maxAttempts: number;
}

export const MAIL_SETTINGS: SettingsTable<MailSettings> = {
  smtpUrl: setting.optional({
    env: 'SMTP_URL',
    doc: 'smtp://user:pass@host:587 or smtps://…: where emails are sent. Unset: development writes them to MAIL_DROP_DIR',
    parse: (value) => urlWithScheme(value, ['smtp', 'smtps']),
  }),
  dropDir: setting.optional({
    env: 'MAIL_DROP_DIR',
    doc: 'Development without SMTP_URL: each email is written there as <id>.eml (mode 600). Never used in production',
    fallbackDoc: 'DATA_DIR/mail',
    parse: (value) => value,
  }),
  from: setting.text('MAIL_FROM', 'Identity <no-reply@localhost>', 'From of every email'),
  publicUrl: setting.optional({
    env: 'PUBLIC_URL',
    doc: 'Base of the links in emails (the front end that answers verify-email, reset and invitation links); required in production',
    fallbackDoc: 'http://localhost:<the port the service listens on>',
    parse: (value) => urlWithScheme(value, ['http', 'https']),
  }),
  pollIntervalMs: setting.integer('MAIL_POLL_INTERVAL_MS', 1000, 'How often each replica looks for due emails', {
    min: 50,
    max: 600_000,
  }),
  retryBaseMs: setting.integer(
    'MAIL_RETRY_BASE_MS',
    1000,
    'First retry delay of a failed send; it doubles per attempt, up to 1 h',
    {
      min: 10,
      max: 3_600_000,
    },
  ),
  maxAttempts: setting.integer('MAIL_MAX_ATTEMPTS', 10, 'Sends tried before an email is given up', { min: 1, max: 100 }),
};
