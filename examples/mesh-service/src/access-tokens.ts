import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { MeshConfig } from './config';
import { MESH_CONFIG } from './mesh.tokens';
import type { AccessClaims } from './revocations';

/**
 * Verifies the identity service's access tokens offline: the signature against its JWKS (fetched
 * once, cached, fetched again for an unknown `kid` after a key rotation), the issuer, the
 * audience when there is one, the expiry, and `typ: "access"` (a refresh token never counts).
 */
@Injectable()
export class AccessTokens {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(MESH_CONFIG) private readonly config: MeshConfig) {
    this.keys = createRemoteJWKSet(new URL(`${config.identityUrl}/.well-known/jwks.json`));
  }

  /** The token's claims, or undefined when it is not a valid access token of the identity service. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify<AccessClaims & { typ?: unknown }>(token, this.keys, {
        issuer: this.config.issuer,
        ...(this.config.audience ? { audience: this.config.audience } : {}),
        algorithms: ['RS256', 'ES256'],
      });
      return payload.typ === 'access' ? payload : undefined;
    } catch {
      return undefined;
    }
  }
}
