import { ApiProperty } from '@nestjs/swagger';

import { MemberView } from '../memberships.repository';
import { RoleResponse, toRoleResponse } from './role.response';

export class MemberUserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Onur Kacmaz' })
  name!: string;

  @ApiProperty({ format: 'email', example: 'onur@example.com' })
  email!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the email was verified, or null.' })
  email_verified_at!: string | null;
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid', description: 'Membership id (the {id} of PATCH and DELETE /api/v1/members/{id}).' })
  id!: string;

  @ApiProperty({ type: MemberUserResponse })
  user!: MemberUserResponse;

  @ApiProperty({ type: RoleResponse })
  role!: RoleResponse;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class MemberEnvelope {
  @ApiProperty({ type: MemberResponse })
  member!: MemberResponse;
}

export class MemberList {
  @ApiProperty({ type: [MemberResponse] })
  members!: MemberResponse[];
}

export function toMemberResponse({ membership, user, role }: MemberView): MemberResponse {
  return {
    id: membership.id,
    user: {
      id: user.id,
      name: user.name,
      email: user.email,
      email_verified_at: user.emailVerifiedAt ? user.emailVerifiedAt.toISOString() : null,
    },
    role: toRoleResponse(role),
    created_at: membership.createdAt.toISOString(),
    updated_at: membership.updatedAt.toISOString(),
  };
}
