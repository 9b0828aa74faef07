export type Env = Record<string, string | undefined>;

/** What a parser throws for a value it refuses; the message follows the variable's name. */
export class SettingRefused extends Error {}

/**
 * One environment variable: its name, its default as it would be written in the environment
 * (undefined: unset), one line of meaning, and the parser of a set value. `.env.example` and the
 * settings check are generated from these.
 */
export interface Setting<T> {
  readonly env: string;
  readonly fallback: string | undefined;
  readonly doc: string;
  readonly parse: (value: string) => T;
  /** Shown in `.env.example` where the default is computed from other settings. */
  readonly fallbackDoc?: string;
  /** A blank value is a value (DATA_DIR= means "in memory"), not the same as unset. */
  readonly blankIsValue?: boolean;
}

/** A slice's parser table: one setting per field. */
export type SettingsTable<S> = { readonly [K in keyof S]-?: Setting<S[K]> };

type Optional<T> = Setting<T | undefined>;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function refuse(message: string, value: string): never {
  throw new SettingRefused(`${message} (got "${value}")`);
}

/** Seconds from `90`, `90s`, `15m`, `1h` or `30d`. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
  if (!match || seconds < 1) refuse('must be a positive duration in seconds, or with a unit: 90s, 15m, 1h, 30d', value);
  return seconds;
}

export const setting = {
  text(env: string, fallback: string, doc: string): Setting<string> {
    return { env, fallback, doc, parse: (value) => value };
  },

  integer(env: string, fallback: number, doc: string, range: { min: number; max: number }): Setting<number> {
    return { env, fallback: String(fallback), doc, parse: (value) => integerIn(value, range) };
  },

  /** Seconds; the default is written as it would be set (`1h`). */
  duration(env: string, fallback: string, doc: string): Setting<number> {
    return { env, fallback, doc, parse: parseDuration };
  },

  boolean(env: string, fallback: boolean, doc: string): Setting<boolean> {
    return {
      env,
      fallback: String(fallback),
      doc,
      parse: (value) => {
        const lower = value.toLowerCase();
        if (['true', '1', 'yes'].includes(lower)) return true;
        if (['false', '0', 'no'].includes(lower)) return false;
        return refuse('must be true or false', value);
      },
    };
  },

  oneOf<T extends string>(env: string, allowed: readonly T[], fallback: T, doc: string): Setting<T> {
    return {
      env,
      fallback,
      doc,
      parse: (value) =>
        (allowed as readonly string[]).includes(value) ? (value as T) : refuse(`must be one of ${allowed.join(', ')}`, value),
    };
  },

  /** Bytes from `100kb`, `1mb` or `512b`. */
  bytes(env: string, fallback: string, doc: string): Setting<number> {
    return {
      env,
      fallback,
      doc,
      parse: (value) => {
        const match = /^(\d+)(b|kb|mb)$/i.exec(value);
        return match ? Number(match[1]) * BYTE_UNITS[match[2].toLowerCase()] : refuse('must look like 100kb or 1mb', value);
      },
    };
  },

  /** A URL whose scheme is one of `schemes`; trailing slashes are dropped. */
  url(env: string, fallback: string, doc: string, schemes: readonly string[]): Setting<string> {
    return { env, fallback, doc, parse: (value) => urlWithScheme(value, schemes) };
  },

  /** Comma-separated; empty entries are dropped. */
  list(env: string, doc: string, item: (entry: string) => string = (entry) => entry): Setting<string[]> {
    return {
      env,
      fallback: '',
      doc,
      parse: (value) =>
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .map(item),
    };
  },

  /** Unset by default: the field is undefined unless the variable is set. */
  optional<T>(base: Omit<Setting<T>, 'fallback'>): Optional<T> {
    return { ...base, fallback: undefined };
  },
};

export function integerIn(value: string, { min, max }: { min: number; max: number }): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    refuse(`must be an integer from ${min} to ${max}`, value);
  return Number(value);
}

export function urlWithScheme(value: string, schemes: readonly string[]): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/\S+$/i.exec(value)?.[1].toLowerCase();
  if (scheme === undefined || !schemes.includes(scheme))
    refuse(`must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL`, value);
  return value.replace(/\/+$/, '');
}

/** Reads the environment the way every setting does: unset and blank are the same, values are trimmed. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Parses a table against the environment; each refused variable adds a problem and takes its default. */
export function readTable<S>(table: SettingsTable<S>, env: Env, problems: string[]): S {
  const values: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries<Setting<unknown>>(table)) {
    const raw = env[spec.env];
    const set = spec.blankIsValue && raw !== undefined ? raw.trim() : readEnv(env, spec.env);
    values[field] = parseOr(spec, set, problems);
  }
  return values as S;
}

function parseOr(spec: Setting<unknown>, value: string | undefined, problems: string[]): unknown {
  if (value !== undefined) {
    try {
      return spec.parse(value);
    } catch (error) {
      if (!(error instanceof SettingRefused)) throw error;
      problems.push(`${spec.env} ${error.message}`);
    }
  }
  return spec.fallback === undefined ? undefined : spec.parse(spec.fallback);
}
