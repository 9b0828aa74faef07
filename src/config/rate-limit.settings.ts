import { parseDuration, Setting, setting, SettingRefused, SettingsTable } from './setting';

export const RATE_LIMITED_ACTIONS = [
  'login',
  'register',
  'refresh',
  'forgot_password',
  'reset_password',
  'verify_email',
  'accept_invitation',
] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];

export interface Rate {
  limit: number;
  windowSeconds: number;
}

/** Per-IP limits on the open endpoints, and where the counters live. */
export class RateLimitSettings {
  /** redis://… shared by every replica; undefined: process memory. */
  declare readonly redisUrl: string | undefined;
  declare readonly redisKeyPrefix: string;
  declare readonly ipLimits: Record<RateLimitedAction, Rate>;
}

/** Per-IP defaults: generous for people behind one NAT, tight enough to slow a script. */
const IP_LIMIT_DEFAULTS: Record<RateLimitedAction, [string, string]> = {
  login: ['30/1m', 'login'],
  register: ['10/1h', 'registration'],
  refresh: ['120/1m', 'refresh-token'],
  forgot_password: ['5/15m', 'password/forgot'],
  reset_password: ['10/15m', 'password/reset'],
  verify_email: ['20/15m', 'verify-email'],
  accept_invitation: ['20/15m', 'invitations/accept'],
};

/** A count per duration: `30/1m`, `10/1d`. */
export function parseRate(value: string): Rate {
  const match = /^(\d+)\/(\d+[smhd]?)$/.exec(value);
  if (!match || Number(match[1]) < 1) throw new SettingRefused(`must look like 30/1m: a count per duration (got "${value}")`);
  return { limit: Number(match[1]), windowSeconds: parseDuration(match[2]) };
}

/** One or more rates, comma-separated (`1/1m,10/1d`): each must hold. */
export function rateList(env: string, fallback: string, doc: string): Setting<Rate[]> {
  return { env, fallback, doc, parse: (value) => value.split(',').map((entry) => parseRate(entry.trim())) };
}

function rate(action: RateLimitedAction): Setting<Rate> {
  const [fallback, route] = IP_LIMIT_DEFAULTS[action];
  return {
    env: `RATE_LIMIT_${action.toUpperCase()}`,
    fallback,
    doc: `Per-IP limit on ${route}: a count per duration (30/1m)`,
    parse: parseRate,
  };
}

/** One row per action of the per-IP limits, then the store's own settings. */
export const IP_LIMIT_SETTINGS: SettingsTable<Record<RateLimitedAction, Rate>> = Object.fromEntries(
  RATE_LIMITED_ACTIONS.map((action) => [action, rate(action)]),
) as SettingsTable<Record<RateLimitedAction, Rate>>;

export const RATE_LIMIT_STORE_SETTINGS: SettingsTable<Omit<RateLimitSettings, 'ipLimits'>> = {
  redisUrl: setting.optional({
    env: 'REDIS_URL',
    doc: 'redis://…: rate-limit counters shared by every replica. Unset: in process memory (per replica)',
    parse: (value) => {
      if (!/^rediss?:\/\/\S+$/.test(value)) throw new SettingRefused('must be a redis:// or rediss:// URL');
      return value;
    },
  }),
  redisKeyPrefix: setting.text('REDIS_KEY_PREFIX', 'identity:', 'Prefix of every Redis key'),
};
