import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty({ description: "The account's current password." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;

  @ApiProperty({
    required: false,
    description: 'The current code of the authenticator app, required when the account has TOTP on.',
    example: '123456',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  code?: string;
}
