import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

import { Trim } from '../../common/http/validators';
import { AuthenticationCredentialDto, RegistrationCredentialDto } from './webauthn-credential.dto';

export class RegisterPasskeyDto {
  @ApiProperty({
    type: RegistrationCredentialDto,
    description:
      "The browser's answer to the options of POST /me/passkeys/options: @simplewebauthn/browser's RegistrationResponseJSON (startRegistration(), or PublicKeyCredential.toJSON()).",
  })
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  credential!: RegistrationCredentialDto;

  @ApiPropertyOptional({ maxLength: 100, description: 'A name the user recognises it by; "Passkey <n>" when left out.' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}

export class PasskeySignInDto {
  @ApiProperty({ description: 'The challenge_token of POST /login/passkey/options (single use, 5 minutes).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  challenge_token!: string;

  @ApiProperty({
    type: AuthenticationCredentialDto,
    description:
      "The browser's answer to those options: @simplewebauthn/browser's AuthenticationResponseJSON (startAuthentication(), or PublicKeyCredential.toJSON()).",
  })
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  credential!: AuthenticationCredentialDto;
}
