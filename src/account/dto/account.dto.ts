import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';

import { MaxUtf8Bytes } from '../../common/http/validators';
import { AccountEmail } from '../../users/email';
import { PASSWORD_MAX_BYTES } from '../../users/password-hasher';

export class EmailTokenDto {
  @ApiProperty({ description: 'The token from the email link.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ format: 'email', description: 'Email address of the account.' })
  @AccountEmail('username')
  username!: string;
}

export class ResetPasswordDto extends EmailTokenDto {
  @ApiProperty({ minLength: 8, description: 'The new password: at least 8 characters and at most 72 bytes in UTF-8.' })
  @IsString()
  @MinLength(8)
  @MaxUtf8Bytes(PASSWORD_MAX_BYTES)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({ minLength: 8, description: 'At least 8 characters and at most 72 bytes in UTF-8.' })
  @IsString()
  @MinLength(8)
  @MaxUtf8Bytes(PASSWORD_MAX_BYTES)
  new_password!: string;
}

export class VerifiedResponse {
  @ApiProperty({ example: true })
  verified!: true;
}

export class SentResponse {
  @ApiProperty({ example: true })
  sent!: true;
}

export class ResetResponse {
  @ApiProperty({ example: true })
  reset!: true;
}

export class ChangedResponse {
  @ApiProperty({ example: true })
  changed!: true;
}
