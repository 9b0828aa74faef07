import { ApiProperty } from '@nestjs/swagger';

import { User } from '../user.entity';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Onur Kacmaz' })
  name!: string;

  @ApiProperty({ format: 'email', example: 'onur@example.com' })
  email!: string;

  @ApiProperty({ enum: ['admin', 'read_only'], description: 'System role.' })
  role!: 'admin' | 'read_only';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the email was verified, or null.' })
  email_verified_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

/** Built field by field, so no other column (a hash above all) can ever reach an answer. */
export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    email_verified_at: user.emailVerifiedAt ? user.emailVerifiedAt.toISOString() : null,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
