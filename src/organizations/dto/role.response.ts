import { ApiProperty } from '@nestjs/swagger';

import { ALL_PERMISSIONS, Permission } from '../permissions';
import { Role } from '../role.entity';
import { PermissionDescription } from '../roles.service';

export class RoleResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'developer', description: 'owner, admin, developer, analyst, viewer, or a custom key.' })
  key!: string;

  @ApiProperty({ example: 'Developer' })
  name!: string;

  @ApiProperty({ description: 'True for the five built-in roles, which cannot be changed or deleted.' })
  is_system!: boolean;

  @ApiProperty({ type: String, isArray: true, enum: ALL_PERMISSIONS, example: ['org.read', 'members.read'] })
  permissions!: Permission[];
}

export class RoleEnvelope {
  @ApiProperty({ type: RoleResponse })
  role!: RoleResponse;
}

export class RoleList {
  @ApiProperty({ type: [RoleResponse] })
  roles!: RoleResponse[];
}

export class PermissionResponse {
  @ApiProperty({ enum: ALL_PERMISSIONS, example: 'members.read' })
  key!: Permission;

  @ApiProperty({ example: 'List members and invitations' })
  description!: string;
}

export class PermissionList {
  @ApiProperty({ type: [PermissionResponse] })
  permissions!: PermissionResponse[];
}

export function toRoleResponse(role: Role): RoleResponse {
  return {
    id: role.id,
    key: role.key,
    name: role.name,
    is_system: role.isSystem,
    permissions: [...role.permissions] as Permission[],
  };
}

export function toPermissionResponse(permission: PermissionDescription): PermissionResponse {
  return { key: permission.key, description: permission.description };
}
