import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

// Generous: our tokens are well under 2 KB; the bound only caps work on garbage.
const TOKEN_MAX_LENGTH = 8192;

export class RefreshTokenDto {
  @ApiProperty({ description: 'The newest refresh token of the session (from login, refresh-token or switch-organization).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TOKEN_MAX_LENGTH)
  refresh_token!: string;
}

export class SwitchOrganizationDto {
  @ApiProperty({ format: 'uuid', description: 'The organization to scope the new tokens to; the caller must be a member.' })
  @IsUUID('all', { message: 'organization_id must be a UUID' })
  organization_id!: string;

  @ApiProperty({ description: "The caller's current refresh token, of the same session as the bearer token; it is rotated." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TOKEN_MAX_LENGTH)
  refresh_token!: string;
}
