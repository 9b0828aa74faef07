import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import type { OrganizationRole } from '../organizations/organization-scopes.read-model';
import { PermissionDeniedError } from '../organizations/organizations.errors';

/** The headers a gateway passes on to the service behind it. */
export type IdentityHeaders = {
  'X-User-Id': string;
  'X-User-Email': string;
  'X-Session-Id': string;
  'X-Organization-Id': string;
  'X-Organization-Role': string;
  'X-Permissions': string;
};

/**
 * GET /auth/verify, for gateways (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz): the
 * bearer guard has checked the token and its session live and read the caller's live role in the
 * token's organization in the same statement; this turns that into identity headers and checks
 * the permissions the gateway asks for.
 */
@Injectable()
export class GatewayService {
  /**
   * The caller's identity as headers. Organization, role and permissions are the live
   * membership's, never the token's copy: a member removed from the token's organization passes
   * with empty organization headers and no permissions. 403 when a required permission is not held.
   */
  verifyRequest(principal: Principal, live: OrganizationRole | null, required: string | string[] | undefined): IdentityHeaders {
    const permissions = live?.permissions ?? [];
    for (const permission of typeof required === 'string' ? [required] : (required ?? [])) {
      if (!permissions.includes(permission)) throw new PermissionDeniedError(permission.slice(0, 100));
    }
    return {
      'X-User-Id': principal.userId,
      'X-User-Email': headerSafe(principal.email),
      'X-Session-Id': principal.sessionId,
      'X-Organization-Id': live ? (principal.organizationId ?? '') : '',
      'X-Organization-Role': live?.role ?? '',
      'X-Permissions': permissions.join(','),
    };
  }
}

/**
 * Header values carry printable ASCII only: anything else in an email (and `%` itself) is
 * percent-encoded as UTF-8, so an ASCII address arrives unchanged and decodeURIComponent()
 * restores any address.
 */
export function headerSafe(value: string): string {
  return value.replace(/[^\x21-\x24\x26-\x7e]/gu, (char) => encodeURIComponent(char));
}
