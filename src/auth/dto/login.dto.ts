import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { Trim } from '../../common/http/validators';

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'onur@example.com', description: 'Email address of the account.' })
  @Trim()
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'username must be an email address' })
  username!: string;

  // The upper bound only caps work; anything over 72 bytes can never match (see PasswordHasher).
  @ApiProperty({ example: 'mypassword123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}
