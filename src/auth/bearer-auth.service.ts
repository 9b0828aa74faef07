import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import type { ProfileView } from '../organizations/organization-scopes.read-model';
import { SessionsService } from '../sessions/sessions.service';
import { TokensService } from '../tokens/tokens.service';
import { UnauthorizedError } from './auth.errors';

/**
 * The bearer check of every authenticated request: the access token's signature, type and expiry
 * hold, and, live, its session is not revoked or expired, its user exists and its organization is
 * not deleted — one query, which on a @NeedsProfile() route also reads the profile it answers with.
 */
@Injectable()
export class BearerAuthService {
  constructor(
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(token: string, withProfile: boolean): Promise<{ principal: Principal; profile?: ProfileView }> {
    const claims = await this.tokens.verifyAccessToken(token);
    if (!claims) throw new UnauthorizedError();
    const live = await this.sessions.checkLive(claims, withProfile);
    if (!live) throw new UnauthorizedError();
    const principal: Principal = {
      userId: live.userId,
      sessionId: claims.sid,
      email: live.email,
      systemRole: live.systemRole,
      organizationId: claims.org_id,
    };
    return { principal, profile: live.profile };
  }
}
