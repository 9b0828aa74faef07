import { ApiProperty } from '@nestjs/swagger';
import {
  OrganizationSummaryResponse,
  toOrganizationSummaryResponse,
} from '../../organizations/dto/organization-summary.response';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import { Profile, SessionView } from '../me.service';

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

export class SessionResponseItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', description: 'Sign-in time.' })
  created_at!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Last refresh, or last authenticated request (kept to the minute).',
  })
  last_used_at!: string;

  @ApiProperty({
    format: 'date-time',
    description:
      'The session ends here unless refreshed (sliding by REFRESH_TOKEN_TTL, never past SESSION_MAX_LIFETIME after sign-in).',
  })
  expires_at!: string;

  @ApiProperty({ type: String, nullable: true, description: 'User-Agent of the last sign-in or refresh.' })
  user_agent!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Client address of the last sign-in or refresh (X-Forwarded-For only through TRUST_PROXY).',
  })
  ip!: string | null;

  @ApiProperty({ description: 'True for the session of the access token making this request.' })
  current!: boolean;
}

export class SessionList {
  @ApiProperty({ type: [SessionResponseItem] })
  sessions!: SessionResponseItem[];
}

export class DeletedResponse {
  @ApiProperty({ example: true })
  deleted!: true;
}

export class LoggedOutResponse {
  @ApiProperty({ example: true })
  logged_out!: true;
}

export function toMeResponse(profile: Profile): MeResponse {
  return {
    user: toUserResponse(profile.user),
    current_organization: profile.currentOrganization ? toOrganizationSummaryResponse(profile.currentOrganization) : null,
    organizations: profile.organizations.map(toOrganizationSummaryResponse),
  };
}

export function toSessionResponseItem({ session, current }: SessionView): SessionResponseItem {
  return {
    id: session.id,
    created_at: session.createdAt.toISOString(),
    last_used_at: session.lastUsedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    user_agent: session.userAgent,
    ip: session.ip,
    current,
  };
}
