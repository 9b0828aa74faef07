import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { DisplayName } from '../../common/http/validators';
import { ALL_PERMISSIONS } from '../permissions';

export const ROLE_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

const PERMISSIONS_DESCRIPTION = 'Permissions from the catalog (GET /api/v1/permissions); an unknown one answers 400 naming it.';

export class CreateRoleDto {
  @ApiProperty({
    example: 'release_manager',
    minLength: 1,
    maxLength: 64,
    pattern: ROLE_KEY_PATTERN.source,
    description:
      'Lowercase letter first, then lowercase letters, digits, "_" or "-". Unique in the organization; built-in keys are reserved.',
  })
  @IsString()
  @Matches(ROLE_KEY_PATTERN, {
    message: 'key must start with a lowercase letter and hold only a-z, 0-9, "_" and "-" (at most 64)',
  })
  key!: string;

  @DisplayName({ example: 'Release manager' })
  name!: string;

  @ApiProperty({ type: String, isArray: true, enum: ALL_PERMISSIONS, description: PERMISSIONS_DESCRIPTION })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  permissions!: string[];
}

export class UpdateRoleDto {
  @DisplayName({ example: 'Release manager', optional: true })
  name?: string;

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    enum: ALL_PERMISSIONS,
    description: `${PERMISSIONS_DESCRIPTION} Replaces the whole list.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  permissions?: string[];
}
