import { setting, SettingsTable } from './setting';

/** Sign-in rules and the login throttle (a block per account and address, a delay per account). */
export class LoginSettings {
  declare readonly hideUnknownAccounts: boolean;
  declare readonly requireVerifiedEmail: boolean;
  declare readonly freeFailures: number;
  declare readonly maxFailures: number;
  /** Seconds. */
  declare readonly failureWindowSeconds: number;
  /** Seconds. */
  declare readonly blockSeconds: number;
  /** Seconds. */
  declare readonly maxDelaySeconds: number;
  /** How long a refused attempt (429) is held before it is answered; 0 answers at once. */
  declare readonly refusalDelayMs: number;
}

export const LOGIN_SETTINGS: SettingsTable<LoginSettings> = {
  hideUnknownAccounts: setting.boolean(
    'LOGIN_HIDE_UNKNOWN_ACCOUNTS',
    false,
    'true: login answers an unknown email with 401 invalid_credentials instead of 404 account_not_found',
  ),
  requireVerifiedEmail: setting.boolean(
    'REQUIRE_VERIFIED_EMAIL',
    false,
    'true: a correct password of an unverified account answers 403 email_not_verified',
  ),
  freeFailures: setting.integer('LOGIN_FREE_FAILURES', 5, 'Failures per account (from all addresses) before its delays start', {
    min: 0,
    max: 1000,
  }),
  maxFailures: setting.integer(
    'LOGIN_MAX_FAILURES',
    20,
    'Failures for one account from one client address within LOGIN_FAILURE_WINDOW that block that address for that account for LOGIN_BLOCK_DURATION',
    { min: 1, max: 10_000 },
  ),
  failureWindowSeconds: setting.duration('LOGIN_FAILURE_WINDOW', '1h', 'Window in which failures are counted'),
  blockSeconds: setting.duration('LOGIN_BLOCK_DURATION', '15m', 'Length of the block of one address for one account'),
  maxDelaySeconds: setting.duration(
    'LOGIN_MAX_DELAY',
    '60s',
    "Longest of the account's doubling delays (1 s, 2 s, 4 s …): the owner signs in after at most this",
  ),
  refusalDelayMs: setting.integer(
    'LOGIN_REFUSAL_DELAY_MS',
    1000,
    'How long a refused login (429) is held before it is answered; 0 answers at once',
    { min: 0, max: 10_000 },
  ),
};
