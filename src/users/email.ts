import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, ValidateBy } from 'class-validator';

export const EMAIL_MAX_LENGTH = 320;

/**
 * The one email normaliser: every email is stored, compared, looked up and used as a throttle key
 * in this form. Trim, Unicode NFKC (fullwidth `ａ` is `a`, `ﬁ` is `fi`), lowercase; NFKC once more
 * so the result is stable (normalising a normalised email changes nothing). A dotted capital `İ`
 * lowercases to `i` + U+0307, so `alİce@` stays a different address from `alice@`, but the same
 * one everywhere.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}

// Control, format (zero-width, bidi), line and paragraph separators, and surrogates or private use.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}]/u;

/** Why a normalised address is refused beyond what `IsEmail` checks, or undefined. */
export function emailProblem(email: string): string | undefined {
  if (INVISIBLE_OR_CONTROL.test(email)) return 'must not contain control or invisible characters';
  // RFC 5321 allows "quoted local parts", which may carry spaces and control characters, and which
  // no mailbox of a real user needs.
  if (email.includes('"')) return 'must not have a quoted local part';
  return undefined;
}

/**
 * An account email in a request body: normalised (see normalizeEmail) before it is validated, at
 * most 320 characters, an address, without control characters or a quoted local part.
 */
export function AccountEmail(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString(),
    MaxLength(EMAIL_MAX_LENGTH),
    IsEmail({}, { message: `${field} must be an email address` }),
    ValidateBy({
      name: 'plainEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && emailProblem(value) === undefined,
        defaultMessage: (args) => `${field} ${emailProblem(String(args?.value)) ?? 'is not a plain address'}`,
      },
    }),
  );
}
