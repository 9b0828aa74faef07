import { randomInt } from 'node:crypto';

import { sha256Hex } from '../common/crypto';

export const RECOVERY_CODE_COUNT = 10;

// Crockford's Base32 without look-alikes: 12 characters carry 60 bits, written xxxx-xxxx-xxxx.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** A new set of recovery codes, as the user is shown them (once). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    ).join('-'),
  );
}

/**
 * The form a code is compared in: case, spaces and dashes do not matter, and the letters people
 * confuse with digits (o, i, l) read as those digits, as Crockford's Base32 does.
 */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
}

/**
 * What is stored: the SHA-256 of the user id and the normalised code. 60 random bits make a
 * slow hash unnecessary, and the user id keeps one user's hashes useless for another's.
 */
export function recoveryCodeHash(userId: string, code: string): string {
  return sha256Hex(`${userId}:${normalizeRecoveryCode(code)}`);
}
