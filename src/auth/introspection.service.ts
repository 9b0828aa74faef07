import { Injectable } from '@nestjs/common';

import { PublicUrl } from '../common/http/public-url';
import { IntrospectionSettings } from '../config/introspection.settings';
import { TokenSettings } from '../config/tokens.settings';
import { BearerAuthService } from './bearer-auth.service';
import { AuthorizationServerMetadata, IntrospectionResponse } from './dto/introspection.dto';

export const INTROSPECTION_PATH = '/api/v1/oauth/introspect';

/** Token introspection (RFC 7662) and the authorization server metadata (RFC 8414) that points at it. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly settings: IntrospectionSettings,
    private readonly tokens: TokenSettings,
    private readonly publicUrl: PublicUrl,
    private readonly bearer: BearerAuthService,
  ) {}

  /**
   * The same live check as every authenticated request (signature, type, expiry, session, user,
   * organization), with the live role in the token's organization: anything else, a refresh
   * token included, is `{"active": false}` and nothing more.
   */
  async introspectToken(token: string): Promise<IntrospectionResponse> {
    const live = await this.bearer.inspect(token, 'role');
    if (!live) return { active: false };
    const { claims, organizationRole } = live;
    return {
      active: true,
      token_type: 'access_token',
      sub: claims.sub,
      sid: claims.sid,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      org_id: organizationRole ? claims.org_id : null,
      org_role: organizationRole?.role ?? null,
      permissions: organizationRole?.permissions ?? [],
    };
  }

  /** Absolute URLs start at PUBLIC_URL, the address clients reach this service at. */
  describeServer(): AuthorizationServerMetadata {
    const base = this.publicUrl.base();
    const introspection = this.settings.clients.length > 0;
    return {
      issuer: this.tokens.issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      ...(introspection
        ? {
            introspection_endpoint: `${base}${INTROSPECTION_PATH}`,
            introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
          }
        : {}),
      token_endpoint_auth_methods_supported: ['none'],
    };
  }
}
