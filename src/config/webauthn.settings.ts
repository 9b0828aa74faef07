import { setting, SettingRefused, SettingsTable } from './setting';

/** Passkeys (WebAuthn): the relying party the browser shows and checks, and where ceremonies may run. */
export class WebauthnSettings {
  /** The domain passkeys are bound to: every origin's host is it or a subdomain of it. */
  declare readonly rpId: string;
  /** Shown by the browser when a passkey is created; JWT_ISSUER when unset (computed in loadSettings). */
  declare readonly rpName: string;
  /** Origins (scheme, host, port) a ceremony may run on; PUBLIC_URL's origin when unset (computed in loadSettings). */
  declare readonly origins: string[];
  /** Adding or deleting a passkey needs a session signed in at most this many seconds ago. */
  declare readonly freshSignInSeconds: number;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^\d+(?:\.\d+){3}$/;

/** A domain name without scheme or port (an IP address cannot be an RP id). */
export function parseRpId(value: string): string {
  const id = value.toLowerCase();
  if (!DOMAIN.test(id) || IPV4.test(id)) {
    throw new SettingRefused(`must be a domain name without scheme or port, like example.com (got "${value}")`);
  }
  return id;
}

/** One origin, normalised (`https://Example.com:443` is `https://example.com`). */
export function parseOrigin(value: string): string {
  if (!/^https?:\/\/[^/\s]+$/i.test(value)) {
    throw new SettingRefused(`must list origins like https://app.example.com, without a path (got "${value}")`);
  }
  try {
    return new URL(value).origin;
  } catch {
    throw new SettingRefused(`must list origins like https://app.example.com, without a path (got "${value}")`);
  }
}

export const WEBAUTHN_SETTINGS: SettingsTable<WebauthnSettings> = {
  rpId: {
    env: 'WEBAUTHN_RP_ID',
    fallback: 'localhost',
    doc: "Passkeys' relying-party id: the domain they are bound to (example.com); every WEBAUTHN_ORIGINS host is it or a subdomain. Changing it orphans every registered passkey",
    parse: parseRpId,
  },
  rpName: {
    env: 'WEBAUTHN_RP_NAME',
    // Computed in loadSettings from JWT_ISSUER, the name the service gives itself elsewhere.
    fallback: undefined,
    fallbackDoc: 'JWT_ISSUER',
    doc: 'The name the browser shows when a passkey is created',
    parse: (value) => value,
  },
  origins: {
    env: 'WEBAUTHN_ORIGINS',
    // Computed in loadSettings from PUBLIC_URL.
    fallback: undefined,
    fallbackDoc: "PUBLIC_URL's origin",
    doc: 'Comma-separated origins (https://app.example.com) whose pages may register and use passkeys',
    parse: (value) => {
      const origins = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map(parseOrigin);
      if (origins.length === 0) throw new SettingRefused(`must list at least one origin (got "${value}")`);
      return origins;
    },
  },
  freshSignInSeconds: setting.duration(
    'WEBAUTHN_FRESH_SIGN_IN',
    '10m',
    'Adding or deleting a passkey needs a session signed in at most this long ago (401 sign_in_required otherwise)',
  ),
};

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Set-ups under which no passkey ceremony could succeed, or one could on plain HTTP: refused in
 * production. Browsers only run WebAuthn where the page's host is the RP id or a subdomain of
 * it, and on https (localhost aside).
 */
export function webauthnRefusals({ rpId, origins }: WebauthnSettings): string[] {
  const refusals: string[] = [];
  for (const origin of origins) {
    const { protocol, hostname } = new URL(origin);
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      refusals.push(
        `WEBAUTHN_RP_ID (${rpId}) must be the host of each of WEBAUTHN_ORIGINS or a parent domain of it (${origin} is not) when NODE_ENV=production`,
      );
    }
    if (protocol !== 'https:' && !LOCAL_HOSTS.has(hostname) && !hostname.endsWith('.localhost')) {
      refusals.push(`WEBAUTHN_ORIGINS must be https:// origins when NODE_ENV=production (${origin} is not)`);
    }
  }
  return refusals;
}
