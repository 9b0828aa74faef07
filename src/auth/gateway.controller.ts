import { All, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { ApiErrors } from '../common/http/api-errors.decorator';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import type { OrganizationRole } from '../organizations/organization-scopes.read-model';
import { GatewayService } from './gateway.service';
import { CurrentOrganizationRole, NeedsOrganizationRole } from './profile.decorator';

const header = (description: string, format?: string) => ({
  description,
  schema: { type: 'string', ...(format ? { format } : {}) },
});

const VERIFY_DESCRIPTION = `For gateways: nginx \`auth_request\`, Traefik ForwardAuth, Envoy \`ext_authz\` (HTTP). The access token
and its session are checked live, like every authenticated route; organization, role and permissions
are the caller's live membership in the token's organization, not the token's copy (empty when no
longer a member). \`permission\` (repeatable) makes the answer 403 unless the live role holds each.
Envoy appends the original path and keeps the method: \`/api/v1/auth/verify/<anything>\` answers the
same for every method.`;

@ApiTags('auth')
@Controller('api/v1/auth/verify')
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @Get()
  @ApiBearerAuth()
  @NeedsOrganizationRole()
  @ApiOperation({ summary: 'Check a request for a gateway; 200 with the identity in headers', description: VERIFY_DESCRIPTION })
  @ApiQuery({
    name: 'permission',
    required: false,
    isArray: true,
    type: String,
    description: 'A permission the live role must hold',
  })
  @ApiOkResponse({
    description: 'Allowed. Empty body; the identity is in the headers.',
    headers: {
      'X-User-Id': header('User id', 'uuid'),
      'X-User-Email': header("The user's email; characters outside printable ASCII, and %, percent-encoded (UTF-8)"),
      'X-Session-Id': header('Session id', 'uuid'),
      'X-Organization-Id': header("The token's organization; empty when the caller is no longer a member"),
      'X-Organization-Role': header("The caller's live role key there; empty when not a member"),
      'X-Permissions': header("That role's permissions, comma-separated; empty when none"),
    },
  })
  @ApiErrors([401, 403], {
    401: 'Token missing, invalid, expired or revoked (unauthorized), with WWW-Authenticate: Bearer error="invalid_token"',
    403: 'The live role lacks a permission asked for with `permission` (forbidden, details.permission)',
  })
  verifyRequest(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrganizationRole() role: OrganizationRole | null,
    @Query('permission') permission: string | string[] | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    reply.headers(this.gateway.verifyRequest(principal, role, permission));
  }

  /** Envoy's ext_authz (HTTP) calls the prefix plus the original path, with the original method. */
  @All('*')
  @ApiExcludeEndpoint()
  @NeedsOrganizationRole()
  verifyForwardedRequest(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrganizationRole() role: OrganizationRole | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    reply.headers(this.gateway.verifyRequest(principal, role, undefined));
  }
}
