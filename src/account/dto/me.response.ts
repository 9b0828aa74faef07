import { ApiProperty } from '@nestjs/swagger';

import { MfaSummaryResponse, toMfaSummaryResponse } from '../../mfa/dto/mfa-summary.response';
import {
  OrganizationSummaryResponse,
  toOrganizationSummaryResponse,
} from '../../organizations/dto/organization-summary.response';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import { Profile } from '../me.service';

/** The caller as GET /me shows them: the User, and their second factors. */
export class MeUserResponse extends UserResponse {
  @ApiProperty({ type: MfaSummaryResponse, description: "The caller's second factors." })
  mfa!: MfaSummaryResponse;
}

export class MeResponse {
  @ApiProperty({ type: MeUserResponse })
  user!: MeUserResponse;

  @ApiProperty({
    type: OrganizationSummaryResponse,
    nullable: true,
    description: "The access token's organization; null for a user without one (or no longer a member of it).",
  })
  current_organization!: OrganizationSummaryResponse | null;

  @ApiProperty({ type: [OrganizationSummaryResponse], description: 'Every live organization the caller belongs to.' })
  organizations!: OrganizationSummaryResponse[];
}

export class UserEnvelope {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}

export function toMeResponse(profile: Profile): MeResponse {
  return {
    user: { ...toUserResponse(profile.user), mfa: toMfaSummaryResponse(profile.mfa) },
    current_organization: profile.currentOrganization ? toOrganizationSummaryResponse(profile.currentOrganization) : null,
    organizations: profile.organizations.map(toOrganizationSummaryResponse),
  };
}
