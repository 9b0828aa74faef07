import { Controller, Get, Req } from '@nestjs/common';

import { AuthenticatedRequest, Public, RequirePermission } from './access.guard';
import type { AccessClaims } from './revocations';

/** This service's own resources: feature flags of the caller's organization (a stand-in). */
@Controller()
export class FlagsController {
  @Get('healthz')
  @Public()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('flags')
  @RequirePermission('flags.read')
  listFlags(@Req() request: AuthenticatedRequest): { organization_id: string | null; flags: { key: string; on: boolean }[] } {
    const claims = request.claims as AccessClaims;
    return { organization_id: claims.org_id, flags: [{ key: 'new-checkout', on: true }] };
  }

  @Get('whoami')
  whoami(@Req() request: AuthenticatedRequest): {
    user_id: string;
    session_id: string;
    organization_id: string | null;
    role: string | null;
  } {
    const claims = request.claims as AccessClaims;
    return { user_id: claims.sub, session_id: claims.sid, organization_id: claims.org_id, role: claims.org_role };
  }
}
