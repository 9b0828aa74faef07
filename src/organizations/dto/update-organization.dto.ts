import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

import { DisplayName } from '../../common/http/validators';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class UpdateOrganizationDto {
  @DisplayName({ example: 'Acme Corp', optional: true })
  name?: string;

  @ApiPropertyOptional({
    example: 'acme-corp',
    minLength: 1,
    maxLength: 63,
    pattern: SLUG_PATTERN.source,
    description: 'Lowercase letters, digits and dashes, 1 to 63 characters, starting and ending with a letter or digit; unique.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and dashes, not starting or ending with a dash' })
  slug?: string;
}
