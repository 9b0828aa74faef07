import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** Trims strings; leaves anything else for the type validators to refuse. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** At most `max` bytes once encoded as UTF-8 (bcrypt's limit is in bytes, not characters). */
export function MaxUtf8Bytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} bytes in UTF-8`,
      },
    },
    options,
  );
}
