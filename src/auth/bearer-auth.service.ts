import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import type { OrganizationRole, ProfileView } from '../organizations/organization-scopes.read-model';
import { LiveReads, SessionsService } from '../sessions/sessions.service';
import { AccessTokenClaims, TokensService } from '../tokens/tokens.service';
import { UnauthorizedError } from './auth.errors';

/** A live access token: who it speaks for, its claims, and what the check read besides. */
export interface Authenticated {
  principal: Principal;
  claims: AccessTokenClaims;
  profile?: ProfileView;
  /** With `reads: 'role'`: the live role in the token's organization, null when not a member. */
  organizationRole?: OrganizationRole | null;
}

/**
 * The bearer check of every authenticated request: the access token's signature, type and expiry
 * hold, and, live, its session is not revoked or expired, its user exists and its organization is
 * not deleted — one query, which may also read the caller's profile (@NeedsProfile) or live role
 * (@NeedsOrganizationRole).
 */
@Injectable()
export class BearerAuthService {
  constructor(
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(token: string, reads: LiveReads): Promise<Authenticated> {
    const authenticated = await this.inspect(token, reads);
    if (!authenticated) throw new UnauthorizedError();
    return authenticated;
  }

  /** The same check, null for a token that is not live (introspection answers active: false). */
  async inspect(token: string, reads: LiveReads): Promise<Authenticated | null> {
    const claims = await this.tokens.verifyAccessToken(token);
    if (!claims) return null;
    const live = await this.sessions.checkLive(claims, reads);
    if (!live) return null;
    const principal: Principal = {
      userId: live.userId,
      sessionId: claims.sid,
      email: live.email,
      systemRole: live.systemRole,
      organizationId: claims.org_id,
    };
    return { principal, claims, profile: live.profile, organizationRole: live.organizationRole };
  }
}
