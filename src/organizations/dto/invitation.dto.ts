import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, MinLength } from 'class-validator';

import { DisplayName, MaxUtf8Bytes } from '../../common/http/validators';
import { AccountEmail } from '../../users/email';
import { PASSWORD_MAX_BYTES } from '../../users/password-hasher';

export const DEFAULT_INVITATION_HOURS = 72;
// 30 days: an invitation that waits longer is better sent again, by someone who still may.
export const MAX_INVITATION_HOURS = 720;

export class CreateInvitationDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 320 })
  @AccountEmail('email')
  email!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The role the invitee will hold: built-in or one of the organization’s custom roles.',
  })
  @IsUUID('all')
  role_id!: string;

  // The default is stated, not declared as `default`: generators such as openapi-typescript make a
  // field with a default required.
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_INVITATION_HOURS,
    description: `Hours until the invitation expires; ${DEFAULT_INVITATION_HOURS} when omitted.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INVITATION_HOURS)
  expires_in_hours?: number;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The accept_token of the invitation.' })
  @IsString()
  @Length(1, 512)
  token!: string;

  @DisplayName({
    example: 'Ada Lovelace',
    optional: true,
    description: 'Required when the email has no account (ignored otherwise).',
  })
  name?: string;

  @ApiPropertyOptional({
    example: 'mypassword123',
    minLength: 8,
    description: 'Required when the email has no account: at least 8 characters and at most 72 bytes in UTF-8.',
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxUtf8Bytes(PASSWORD_MAX_BYTES)
  password?: string;
}
