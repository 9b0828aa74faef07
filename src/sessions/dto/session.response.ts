import { ApiProperty } from '@nestjs/swagger';

import {
  OrganizationSummaryResponse,
  toOrganizationSummaryResponse,
} from '../../organizations/dto/organization-summary.response';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import type { IssuedSession } from '../sessions.service';

export class SessionResponse {
  @ApiProperty({
    description:
      'JWT access token scoped to the current organization membership. Expires after 1 hour (ACCESS_TOKEN_TTL), or when its session ends if that is sooner.',
  })
  token!: string;

  @ApiProperty({
    description:
      'JWT refresh token (HS256, signed with a key only this service holds: it does not verify against the JWKS). Expires after 30 days (REFRESH_TOKEN_TTL), and never later than 90 days after sign-in (SESSION_MAX_LIFETIME). Single use: every refresh rotates it.',
  })
  refresh_token!: string;

  @ApiProperty({ type: UserResponse, description: 'The authenticated user.' })
  user!: UserResponse;

  @ApiProperty({
    type: OrganizationSummaryResponse,
    nullable: true,
    description: 'The organization this session is scoped to; null for a user who belongs to no organization.',
  })
  current_organization!: OrganizationSummaryResponse | null;

  @ApiProperty({ type: [OrganizationSummaryResponse], description: 'All organizations the caller is a member of.' })
  organizations!: OrganizationSummaryResponse[];
}

export function toSessionResponse(session: IssuedSession): SessionResponse {
  return {
    token: session.token,
    refresh_token: session.refreshToken,
    user: toUserResponse(session.user),
    current_organization: session.currentOrganization ? toOrganizationSummaryResponse(session.currentOrganization) : null,
    organizations: session.organizations.map(toOrganizationSummaryResponse),
  };
}
