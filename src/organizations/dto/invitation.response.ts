import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { INVITATION_STATUSES, InvitationStatus } from '../invitation-rules';
import { ListedInvitation } from '../invitations.service';
import { MemberResponse } from './member.response';
import { RoleResponse, toRoleResponse } from './role.response';

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ type: RoleResponse })
  role!: RoleResponse;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'User id of the inviter; null once that account is gone.',
  })
  invited_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  expires_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was accepted, or null.' })
  accepted_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({
    enum: INVITATION_STATUSES,
    description:
      'pending: can be accepted; accepted; expired; revoked: its inviter was removed or may no longer invite (members.invite, or the role offered), so accepting answers 401.',
  })
  status!: InvitationStatus;
}

export class CreatedInvitationResponse {
  @ApiProperty({ type: InvitationResponse })
  invitation!: InvitationResponse;

  @ApiPropertyOptional({
    example: 'kq3J0m0u2dYc0v8rS3f5bXh9pQ1wZ7eL4tN6yA2cB5E',
    description:
      'Random 256-bit token (base64url) to pass to POST /api/v1/invitations/accept. Shown only here, and only while INVITATION_TOKEN_IN_RESPONSE=true (the default); otherwise it travels only in the invitation email. Stored only as a SHA-256 hash.',
  })
  accept_token?: string;
}

export class InvitationList {
  @ApiProperty({ type: [InvitationResponse] })
  invitations!: InvitationResponse[];
}

export class AcceptedInvitationResponse {
  @ApiProperty({ type: Boolean, enum: [true], example: true })
  accepted!: true;

  @ApiProperty({ type: MemberResponse })
  member!: MemberResponse;
}

export function toInvitationResponse({ invitation, role, status }: ListedInvitation): InvitationResponse {
  return {
    id: invitation.id,
    email: invitation.email,
    role: toRoleResponse(role),
    invited_by: invitation.invitedBy,
    expires_at: invitation.expiresAt.toISOString(),
    accepted_at: invitation.acceptedAt ? invitation.acceptedAt.toISOString() : null,
    created_at: invitation.createdAt.toISOString(),
    status,
  };
}
