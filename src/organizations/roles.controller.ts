import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { PermissionList, RoleEnvelope, RoleList, toPermissionResponse, toRoleResponse } from './dto/role.response';
import { RolesService } from './roles.service';

const SCOPE = 'Scope: the organization of the access token.';
const BAD_PERMISSIONS = 'Invalid body, or an unknown permission (invalid_request; details.unknown_permissions names it)';

@ApiTags('roles')
@ApiBearerAuth()
@Controller('api/v1')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get('permissions')
  @ApiOperation({ summary: 'The permission catalog', description: 'Any authenticated user.' })
  @ApiOkResponse({ type: PermissionList })
  @ApiErrors([401])
  listPermissions(): PermissionList {
    return { permissions: this.roles.listPermissions().map(toPermissionResponse) };
  }

  @Get('roles')
  @ApiOperation({ summary: 'List roles', description: `Built-in and custom roles. Needs roles.read. ${SCOPE}` })
  @ApiOkResponse({ type: RoleList })
  @ApiErrors([401, 403], { 403: 'No organization in the token, not a member any more, or no roles.read (forbidden)' })
  async listRoles(@CurrentPrincipal() principal: Principal): Promise<RoleList> {
    return { roles: (await this.roles.listRoles(principal)).map(toRoleResponse) };
  }

  @Post('roles')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a custom role', description: `Needs roles.create and every permission given. ${SCOPE}` })
  @ApiOkResponse({ type: RoleEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403, 409], {
    400: BAD_PERMISSIONS,
    403: 'No roles.create, a permission the caller does not hold, or read_only (forbidden)',
    409: 'The key exists in this organization or is a built-in key (role_key_taken)',
  })
  async createRole(@CurrentPrincipal() principal: Principal, @Body() body: CreateRoleDto): Promise<RoleEnvelope> {
    const role = await this.roles.createRole(principal, { key: body.key, name: body.name, permissions: body.permissions });
    return { role: toRoleResponse(role) };
  }

  @Patch('roles/:id')
  @ApiOperation({
    summary: 'Change a custom role',
    description: `Needs roles.update. permissions replaces the list; members holding the role are affected at once. ${SCOPE}`,
  })
  @ApiOkResponse({ type: RoleEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403, 404, 409], {
    400: BAD_PERMISSIONS,
    403: 'No roles.update, a permission the caller does not hold, or read_only (forbidden)',
    404: 'No such role in this organization, or a malformed id (not_found)',
    409: 'Built-in roles cannot be changed (system_role)',
  })
  async updateRole(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateRoleDto,
  ): Promise<RoleEnvelope> {
    const role = await this.roles.updateRole(principal, id, { name: body.name, permissions: body.permissions });
    return { role: toRoleResponse(role) };
  }

  @Delete('roles/:id')
  @ApiOperation({ summary: 'Delete a custom role', description: `Needs roles.delete. ${SCOPE}` })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 403, 404, 409], {
    403: 'No roles.delete, or read_only (forbidden)',
    404: 'No such role in this organization, or a malformed id (not_found)',
    409: 'A built-in role (system_role), or held by a member or offered by a pending invitation (role_in_use)',
  })
  async deleteRole(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<DeletedResponse> {
    await this.roles.deleteRole(principal, id);
    return DELETED;
  }
}
