import { setting, SettingsTable } from './setting';

/** How long a session lives and how refresh-token reuse is judged. */
export class SessionSettings {
  /** Seconds: refreshes slide a session's end, never past its sign-in + this. */
  declare readonly maxLifetime: number;
  /** Seconds during which a just-rotated refresh token is refused without revoking its session. */
  declare readonly reuseGraceSeconds: number;
  /** Live sessions a user may hold; a sign-in beyond revokes the least recently used. */
  declare readonly maxPerUser: number;
}

export const SESSION_SETTINGS: SettingsTable<SessionSettings> = {
  maxLifetime: setting.duration(
    'SESSION_MAX_LIFETIME',
    '90d',
    'Absolute session lifetime: refreshes slide the end by REFRESH_TOKEN_TTL, never past sign-in + this',
  ),
  reuseGraceSeconds: setting.integer('REFRESH_REUSE_GRACE_SECONDS', 0, 'Grace window for concurrent refreshes (seconds)', {
    min: 0,
    max: 300,
  }),
  maxPerUser: setting.integer(
    'MAX_SESSIONS_PER_USER',
    100,
    "Live sessions per user: a sign-in beyond it revokes the user's least recently used session",
    { min: 1, max: 100_000 },
  ),
};
