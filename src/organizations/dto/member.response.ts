import { ApiProperty, PickType } from '@nestjs/swagger';

import { UserResponse } from '../../users/dto/user.response';
import { MemberView } from '../memberships.repository';
import { RoleResponse, toRoleResponse } from './role.response';

/** The member's user: the public part of a User. */
export class MemberUserResponse extends PickType(UserResponse, ['id', 'name', 'email', 'email_verified_at'] as const) {}

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
