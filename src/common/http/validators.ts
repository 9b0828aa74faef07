import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, ValidateBy, ValidationOptions } from 'class-validator';

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

/** The longest name of a person, an organization or a role. */
export const DISPLAY_NAME_MAX = 200;

/**
 * A display name (of a person, an organization, a role): a string, trimmed, 1 to 200 characters,
 * documented as such. `optional` for the fields of a PATCH.
 */
export function DisplayName(options: { example: string; optional?: boolean; description?: string }): PropertyDecorator {
  const schema = { example: options.example, minLength: 1, maxLength: DISPLAY_NAME_MAX, description: options.description };
  return applyDecorators(
    ...(options.optional ? [ApiPropertyOptional(schema), IsOptional()] : [ApiProperty(schema)]),
    Trim(),
    IsString(),
    Length(1, DISPLAY_NAME_MAX),
  );
}
