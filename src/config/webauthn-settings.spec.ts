import { randomBytes } from 'node:crypto';

import { loadSettings } from './settings';
import { settingsProblems } from './settings-problems';

/** Production with an HS256 secret (no key pair to generate): only the passkey settings vary. */
const production = (env: Record<string, string>): Record<string, string> => ({
  NODE_ENV: 'production',
  JWT_ALGORITHM: 'HS256',
  JWT_SECRET: randomBytes(48).toString('base64'),
  DATABASE_URL: 'postgres://identity@db.internal/identity',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PUBLIC_URL: 'https://app.example.com',
  ...env,
});

describe('the passkey (WebAuthn) settings', () => {
  it('are the service itself by default: RP id localhost, named after JWT_ISSUER, PUBLIC_URL’s origin', () => {
    expect(loadSettings({}).webauthn).toEqual({
      rpId: 'localhost',
      rpName: 'identity-service',
      // None listed: the service's own origin, known once it listens (WebauthnRelyingParty asks PublicUrl).
      origins: [],
      freshSignInSeconds: 600,
    });
    expect(loadSettings({ JWT_ISSUER: 'Acme ID', PUBLIC_URL: 'https://id.acme.test/app/' }).webauthn).toMatchObject({
      rpName: 'Acme ID',
      origins: ['https://id.acme.test'],
    });
  });

  it('reads the RP id, name, origins (normalised) and the fresh sign-in window as set', () => {
    const settings = loadSettings({
      WEBAUTHN_RP_ID: 'Example.COM',
      WEBAUTHN_RP_NAME: 'Example',
      WEBAUTHN_ORIGINS: 'https://example.com:443, https://app.example.com:8443',
      WEBAUTHN_FRESH_SIGN_IN: '5m',
    }).webauthn;
    expect(settings).toEqual({
      rpId: 'example.com',
      rpName: 'Example',
      origins: ['https://example.com', 'https://app.example.com:8443'],
      freshSignInSeconds: 300,
    });
  });

  it('refuses an RP id with a scheme, a port or an IP address, and origins with a path', () => {
    for (const rpId of ['https://example.com', 'example.com:443', '10.0.0.1', 'exa mple.com']) {
      expect(settingsProblems({ WEBAUTHN_RP_ID: rpId })).toEqual([
        expect.stringMatching(/^WEBAUTHN_RP_ID must be a domain name/),
      ]);
    }
    expect(settingsProblems({ WEBAUTHN_ORIGINS: 'https://example.com/login' })).toEqual([
      expect.stringMatching(/^WEBAUTHN_ORIGINS must list origins/),
    ]);
    expect(settingsProblems({ WEBAUTHN_ORIGINS: 'example.com' })).toHaveLength(1);
  });

  it('refuses in production an RP id that is not the host (or a parent domain) of every origin, or an http origin', () => {
    expect(settingsProblems(production({ WEBAUTHN_RP_ID: 'example.com' }))).toEqual([]);
    expect(settingsProblems(production({ WEBAUTHN_RP_ID: 'app.example.com' }))).toEqual([]);
    // The defaults: RP id localhost and an https PUBLIC_URL elsewhere could never complete a ceremony.
    expect(settingsProblems(production({}))).toEqual([expect.stringContaining('WEBAUTHN_RP_ID (localhost)')]);
    expect(settingsProblems(production({ WEBAUTHN_RP_ID: 'ample.com' }))).toEqual([expect.stringContaining('WEBAUTHN_RP_ID')]);
    expect(
      settingsProblems(
        production({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com,http://app.example.com' }),
      ),
    ).toEqual([expect.stringContaining('WEBAUTHN_ORIGINS must be https://')]);
    // Outside production nothing is refused: a developer on 127.0.0.1 does not need passkeys to boot.
    expect(settingsProblems({ PUBLIC_URL: 'http://127.0.0.1:8080' })).toEqual([]);
  });
});
