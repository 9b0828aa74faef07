import { ApiProperty } from '@nestjs/swagger';
import { IsString, MinLength } from 'class-validator';

import { DisplayName, MaxUtf8Bytes } from '../../common/http/validators';
import { UserResponse } from '../../users/dto/user.response';
import { AccountEmail } from '../../users/email';
import { PASSWORD_MAX_BYTES } from '../../users/password-hasher';

export class RegisterDto {
  @DisplayName({ example: 'Onur Kacmaz' })
  name!: string;

  @ApiProperty({ format: 'email', example: 'onur@example.com', maxLength: 320, description: 'Email address of the account.' })
  @AccountEmail('username')
  username!: string;

  @ApiProperty({ example: 'mypassword123', minLength: 8, description: 'At least 8 characters and at most 72 bytes in UTF-8.' })
  @IsString()
  @MinLength(8)
  @MaxUtf8Bytes(PASSWORD_MAX_BYTES)
  password!: string;
}

export class RegisterResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
