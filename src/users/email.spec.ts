import { NormalizedEmails1765000000000 } from '../database/migrations/1765000000000-normalized-emails';
import { emailProblem, normalizeEmail } from './email';

const SAMPLES = [
  'Alice@Corp.example',
  '  alice@corp.example\t',
  'ａlice@corp.example',
  'ＡＬＩＣＥ＠ＣＯＲＰ．ＥＸＡＭＰＬＥ',
  'alİce@corp.example',
  'ﬁnance@corp.example',
  'Straße@corp.example',
];

describe('normalizeEmail', () => {
  it('gives fullwidth and letter-case variants one form, and keeps a dotted capital I apart', () => {
    expect(normalizeEmail('Alice@Corp.example')).toBe('alice@corp.example');
    expect(normalizeEmail('ａlice@corp.example')).toBe('alice@corp.example');
    expect(normalizeEmail('ＡＬＩＣＥ＠ＣＯＲＰ．ＥＸＡＭＰＬＥ')).toBe('alice@corp.example');
    expect(normalizeEmail('ﬁnance@corp.example')).toBe('finance@corp.example');
    expect(normalizeEmail('alİce@corp.example')).toBe('ali\u0307ce@corp.example');
  });

  it('changes nothing when applied twice', () => {
    for (const sample of SAMPLES) expect(normalizeEmail(normalizeEmail(sample))).toBe(normalizeEmail(sample));
  });

  it('agrees with the copy frozen in the migration that normalised the stored emails', () => {
    for (const sample of SAMPLES) expect(NormalizedEmails1765000000000.normalize(sample)).toBe(normalizeEmail(sample));
  });
});

describe('emailProblem', () => {
  it('refuses control and invisible characters and quoted local parts, and lets plain addresses through', () => {
    expect(emailProblem('"a\u0001b"@corp.example')).toBeDefined();
    expect(emailProblem('"ab"@corp.example')).toBeDefined();
    expect(emailProblem('a\u200bb@corp.example')).toBeDefined();
    expect(emailProblem('a\u0000b@corp.example')).toBeDefined();
    expect(emailProblem('alice@corp.example')).toBeUndefined();
    expect(emailProblem(normalizeEmail('alİce@corp.example'))).toBeUndefined();
  });
});
