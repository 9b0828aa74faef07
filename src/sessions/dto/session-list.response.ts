import { ApiProperty } from '@nestjs/swagger';

import type { SessionView } from '../sessions.service';

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

export class LoggedOutResponse {
  @ApiProperty({ example: true })
  logged_out!: true;
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
