import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

import { Trim } from '../../common/http/validators';

export class ConfirmTotpDto {
  @ApiProperty({ description: 'The current 6-digit code the authenticator app shows for the pending secret.', example: '123456' })
  @Trim()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

/** The password, asked again before the second factor is turned off or its recovery codes replaced. */
export class MfaPasswordDto {
  @ApiProperty({ description: "The account's current password." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}

export class TotpEnrolmentResponse {
  @ApiProperty({
    description:
      'The new secret in Base32 (RFC 4648, no padding), for typing into an authenticator app. Shown once; TOTP is on only after POST /me/mfa/totp/confirm.',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret!: string;

  @ApiProperty({
    description:
      'The same secret as an otpauth:// URL (issuer SERVICE_NAME, label the email; SHA-1, 6 digits, 30 s), for a QR code.',
    example: 'otpauth://totp/Identity:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Identity',
  })
  otpauth_url!: string;
}

export class TotpEnabledResponse {
  @ApiProperty({ type: Boolean, enum: [true], example: true })
  enabled!: true;

  @ApiProperty({
    type: [String],
    description: 'Ten single-use recovery codes, shown this once (only their hashes are kept).',
    example: ['7k2m-q9xd-4tfa'],
  })
  recovery_codes!: string[];
}

export class RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    description: 'Ten new single-use recovery codes, shown this once; every earlier code stopped working.',
    example: ['7k2m-q9xd-4tfa'],
  })
  recovery_codes!: string[];
}
