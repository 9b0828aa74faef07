import { generateSync } from 'otplib';

import { matchTotpStep, newTotpSecret, otpauthUrl } from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = Date.UTC(2026, 11, 1, 12, 0, 10);
  const step = Math.floor(now / 1000 / 30);
  const codeAt = (ms: number) => generateSync({ secret, epoch: Math.floor(ms / 1000) });

  it('accepts the code of now and of one step either side, and tells which step it was', () => {
    expect(matchTotpStep(secret, codeAt(now), now)).toBe(step);
    expect(matchTotpStep(secret, codeAt(now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(secret, codeAt(now + 30_000), now)).toBe(step + 1);
  });

  it('refuses a code two steps away, another secret’s code and anything but six digits', () => {
    expect(matchTotpStep(secret, codeAt(now - 60_000), now)).toBeNull();
    expect(matchTotpStep(secret, codeAt(now + 60_000), now)).toBeNull();
    expect(matchTotpStep(newTotpSecret(), codeAt(now), now)).toBeNull();
    for (const code of ['', '12345', '1234567', 'abcdef', '12 456']) expect(matchTotpStep(secret, code, now)).toBeNull();
  });

  it('writes the otpauth URL authenticator apps read: issuer, account, SHA-1, 6 digits, 30 s', () => {
    const url = new URL(otpauthUrl('JBSWY3DPEHPK3PXP', 'Acme Identity', 'ada@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Identity:ada@example.com');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'Acme Identity',
    });
    expect(url.searchParams.get('digits') ?? '6').toBe('6');
    expect(url.searchParams.get('period') ?? '30').toBe('30');
    expect((url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase()).toBe('SHA1');
  });
});
