import { Rate, rateList } from './rate-limit.settings';
import { setting, SettingsTable } from './setting';

/** Email verification and password recovery. */
export class AccountSettings {
  /** Seconds. */
  declare readonly emailVerificationTtl: number;
  /** Seconds. */
  declare readonly passwordResetTtl: number;
  /** Verification emails resent per account. */
  declare readonly resendVerificationLimits: Rate[];
}

export const ACCOUNT_SETTINGS: SettingsTable<AccountSettings> = {
  emailVerificationTtl: setting.duration('EMAIL_VERIFICATION_TTL', '24h', 'Lifetime of an email-verification token'),
  passwordResetTtl: setting.duration('PASSWORD_RESET_TTL', '1h', 'Lifetime of a password-reset token'),
  resendVerificationLimits: rateList(
    'RESEND_VERIFICATION_LIMIT',
    '1/1m,10/1d',
    'resend-verification per account (counts per duration, comma-separated: each holds); beyond: 429',
  ),
};
