import { ApiProperty } from '@nestjs/swagger';

import {
  OrganizationSummaryResponse,
  toOrganizationSummaryResponse,
} from '../../organizations/dto/organization-summary.response';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import { Profile } from '../me.service';

export class MeResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;

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
    user: toUserResponse(profile.user),
    current_organization: profile.currentOrganization ? toOrganizationSummaryResponse(profile.currentOrganization) : null,
    organizations: profile.organizations.map(toOrganizationSummaryResponse),
  };
}
