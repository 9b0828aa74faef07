import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from './recovery-codes';

describe('recovery codes', () => {
  it('are ten distinct codes of three groups of four, without look-alike letters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
  });

  it('match however they are typed: case, spaces, dashes and o/i/l for 0/1', () => {
    expect(normalizeRecoveryCode(' AB1C-0DEF-GH2J ')).toBe('ab1c0defgh2j');
    expect(normalizeRecoveryCode('ablc odef gh2j')).toBe('ab1c0defgh2j');
    expect(recoveryCodeHash('user', 'AB1C0DEFGH2J')).toBe(recoveryCodeHash('user', 'ab1c-0def-gh2j'));
  });

  it('hash differently for two users, and never contain the code', () => {
    const hash = recoveryCodeHash('user-a', 'ab1c-0def-gh2j');
    expect(hash).not.toBe(recoveryCodeHash('user-b', 'ab1c-0def-gh2j'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
