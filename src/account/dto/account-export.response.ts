import { ApiProperty } from '@nestjs/swagger';

import { toTotpExportResponse, TotpExportResponse } from '../../mfa/dto/mfa-summary.response';
import { PasskeyResponse, toPasskeyResponse } from '../../mfa/dto/passkey.response';
import { AuditEventResponse, toAuditEventResponse } from '../../organizations/dto/audit-event.response';
import { OrganizationSummaryResponse } from '../../organizations/dto/organization-summary.response';
import type { MembershipRecord } from '../../organizations/memberships.repository';
import type { Session } from '../../sessions/session.entity';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import type { AccountExport } from '../account-export.service';

/** One of the caller's memberships, with its organization (a deleted one too). */
export class ExportedOrganization extends OrganizationSummaryResponse {
  @ApiProperty({ format: 'uuid', description: 'The membership id.' })
  membership_id!: string;

  @ApiProperty({ format: 'date-time', description: 'When the caller became a member.' })
  joined_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the organization was deleted (it no longer shows anywhere else), or null.',
  })
  deleted_at!: string | null;
}

/** A session row, live or ended; never its refresh-token hashes. */
export class ExportedSession {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The organization its tokens were scoped to.' })
  organization_id!: string | null;

  @ApiProperty({ format: 'date-time', description: 'Sign-in time.' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  last_used_at!: string;

  @ApiProperty({ format: 'date-time' })
  expires_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'logout, refresh_reuse, session_deleted, password_changed, password_reset, session_limit, mfa_disabled or recovery_codes_renewed',
  })
  revoked_reason!: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;
}

export class ExportedMfa {
  @ApiProperty({
    type: TotpExportResponse,
    nullable: true,
    description: 'The TOTP factor, or null when none was ever enrolled (a pending enrolment shows enabled: false).',
  })
  totp!: TotpExportResponse | null;

  @ApiProperty({ type: [PasskeyResponse], description: 'The passkeys, oldest first: name, created_at, last_used_at.' })
  passkeys!: PasskeyResponse[];
}

export class AccountExportResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;

  @ApiProperty({ type: [ExportedOrganization], description: 'Every membership, oldest first, deleted organizations too.' })
  organizations!: ExportedOrganization[];

  @ApiProperty({
    type: [ExportedSession],
    description: 'Every session still stored: live, revoked and expired (kept SESSION_RETENTION after they end).',
  })
  sessions!: ExportedSession[];

  @ApiProperty({
    type: [AuditEventResponse],
    description:
      'Every audit event by or about the caller (their sessions, memberships, failed logins with their email), oldest first.',
  })
  audit_events!: AuditEventResponse[];

  @ApiProperty({ type: ExportedMfa, description: 'The second factors: what is set up and when, never a secret or a hash.' })
  mfa!: ExportedMfa;
}

export function toAccountExportResponse(data: AccountExport): AccountExportResponse {
  return {
    user: toUserResponse(data.user),
    organizations: data.memberships.map(toExportedOrganization),
    sessions: data.sessions.map(toExportedSession),
    audit_events: data.auditEvents.map(toAuditEventResponse),
    mfa: { totp: data.totp ? toTotpExportResponse(data.totp) : null, passkeys: data.passkeys.map(toPasskeyResponse) },
  };
}

function toExportedOrganization({ membership, organization, role }: MembershipRecord): ExportedOrganization {
  return {
    id: organization.id,
    slug: organization.slug,
    name: organization.name,
    role: role.key,
    membership_id: membership.id,
    joined_at: membership.createdAt.toISOString(),
    deleted_at: organization.deletedAt ? organization.deletedAt.toISOString() : null,
  };
}

/** Built field by field: the refresh-token hashes never leave. */
function toExportedSession(session: Session): ExportedSession {
  return {
    id: session.id,
    organization_id: session.organizationId,
    created_at: session.createdAt.toISOString(),
    last_used_at: session.lastUsedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    revoked_at: session.revokedAt ? session.revokedAt.toISOString() : null,
    revoked_reason: session.revokedReason,
    user_agent: session.userAgent,
    ip: session.ip,
  };
}
