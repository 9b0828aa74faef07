import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { AccountEmail } from '../../users/email';

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'onur@example.com', description: 'Email address of the account.' })
  @AccountEmail('username')
  username!: string;

  // The upper bound only caps work; anything over 72 bytes can never match (see PasswordHasher).
  @ApiProperty({ example: 'mypassword123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}
