import { generateSecret, generateURI, verifySync } from 'otplib';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
const DIGITS = 6;
const PERIOD_SECONDS = 30;
/** One step either side of now: a phone's clock a little off, or a code typed as it changed. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;

const CODE = /^\d{6}$/;

/** A new secret, Base32 (160 bits, RFC 4226's recommendation). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URL an authenticator app reads (as a QR code or pasted). */
export function otpauthUrl(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret, digits: DIGITS, period: PERIOD_SECONDS, algorithm: 'sha1' });
}

/**
 * The time step the code belongs to when it is the secret's code for now or one step either side;
 * null otherwise (a code that is not six digits included). The caller accepts it only for a step
 * later than the last one used, so each code works once.
 */
export function matchTotpStep(secret: string, code: string, nowMs = Date.now()): number | null {
  if (!CODE.test(code)) return null;
  const result = verifySync({
    secret,
    token: code,
    algorithm: 'sha1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOLERANCE_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
