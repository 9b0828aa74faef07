import { ApiProperty } from '@nestjs/swagger';

import type { MfaSummary } from '../mfa-status.service';
import type { TotpStatus } from '../totp-factors.service';

export class MfaSummaryResponse {
  @ApiProperty({ description: 'TOTP is on: a password sign-in asks for a second factor.' })
  totp!: boolean;

  @ApiProperty({ description: 'How many passkeys the user has registered.', example: 0 })
  passkeys!: number;
}

export const toMfaSummaryResponse = (summary: MfaSummary): MfaSummaryResponse => ({
  totp: summary.totp,
  passkeys: summary.passkeys,
});

export class TotpExportResponse {
  @ApiProperty({ description: 'Confirmed (on); false for an enrolment never confirmed.' })
  enabled!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  confirmed_at!: string | null;

  @ApiProperty({ description: 'Unused recovery codes (the codes themselves are never kept).' })
  recovery_codes_left!: number;
}

export const toTotpExportResponse = (status: TotpStatus): TotpExportResponse => ({
  enabled: status.enabled,
  confirmed_at: status.confirmedAt ? status.confirmedAt.toISOString() : null,
  recovery_codes_left: status.recoveryCodesLeft,
});
