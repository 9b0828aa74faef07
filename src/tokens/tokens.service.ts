import { createHmac, KeyObject, randomUUID, sign as cryptoSign } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { isUuid } from '../common/crypto';
import { TokenSettings } from '../config/tokens.settings';
import { KeyMaterial, RefreshTokenKeyMaterial } from './key-material';
import { SigningKeysService } from './signing-keys.service';

/** Whom a session's tokens speak for: the user, the session, and the organization they are scoped to. */
export interface SessionSubject {
  user: { id: string; email: string; role: string };
  sessionId: string;
  organization: { id: string; slug: string; role: string; permissions: string[] } | null;
}

export interface TokenPair {
  token: string;
  refreshToken: string;
}

export interface AccessTokenClaims {
  iss: string;
  /** JWT_AUDIENCE, when set. */
  aud?: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  typ: 'access';
  email: string;
  sys_role: string;
  org_id: string | null;
  org_slug: string | null;
  org_role: string | null;
  permissions: string[];
}

export interface RefreshTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  typ: 'refresh';
}

/**
 * How many verified access tokens are remembered (about 1 KB each). A client sends the same access
 * token with every request for up to an hour, and checking its signature every time is the
 * largest cost of an authenticated request after the database (docs/decisions.md).
 */
const VERIFIED_ACCESS_TOKENS_CACHED = 4096;

@Injectable()
export class TokensService {
  /** Token → its claims and kid, for tokens whose signature and claims were checked, oldest first. */
  private readonly verifiedAccessTokens = new Map<string, { claims: AccessTokenClaims; kid: string }>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
  ) {}

  /**
   * The pair a session hands out: the refresh token carries `refreshJti` (the session row keeps
   * its SHA-256) and ends with the session; the access token ends sooner, or with it. Both are
   * issued at `issuedAtMs`: the moment `sessionEnd` was computed from, so exp - iat is the whole
   * lifetime however long the signing waited.
   */
  signPair(subject: SessionSubject, sessionEnd: Date, refreshJti: string, issuedAtMs = Date.now()): TokenPair {
    const refreshToken = this.signRefreshToken(subject.user.id, subject.sessionId, sessionEnd, refreshJti, issuedAtMs);
    return { token: this.signAccessToken(subject, sessionEnd, issuedAtMs), refreshToken };
  }

  /**
   * An access token for the subject's session; it never outlives the session (`sessionEnd`), as
   * Keycloak caps access tokens at the session's maximum.
   */
  signAccessToken(subject: SessionSubject, sessionEnd: Date, issuedAtMs = Date.now()): string {
    const { organization, user } = subject;
    return this.sign(
      {
        iss: this.settings.issuer,
        ...(this.settings.audience === undefined ? {} : { aud: this.settings.audience }),
        sub: user.id,
        sid: subject.sessionId,
        jti: randomUUID(),
        typ: 'access',
        email: user.email,
        sys_role: user.role,
        org_id: organization?.id ?? null,
        org_slug: organization?.slug ?? null,
        org_role: organization?.role ?? null,
        permissions: organization?.permissions ?? [],
      },
      Math.min(issuedAtMs + this.settings.accessTokenTtl * 1000, sessionEnd.getTime()),
      this.keys.signingKey,
      issuedAtMs,
    );
  }

  /**
   * HS256 with the service's own refresh-token key, whatever JWT_ALGORITHM is (Keycloak does the
   * same): only this service ever reads a refresh token, so it needs no public key, and an HMAC
   * costs microseconds where the RSA signature it replaces cost a millisecond of CPU per refresh.
   */
  private signRefreshToken(userId: string, sessionId: string, expiresAt: Date, jti: string, issuedAtMs: number): string {
    const { kid, secret } = this.keys.refreshTokenKey;
    const input = signingInput(
      { alg: 'HS256', typ: 'JWT', kid },
      this.claims({ sub: userId, sid: sessionId, jti, typ: 'refresh' }, expiresAt.getTime(), issuedAtMs),
    );
    return `${input}.${hmacSha256(secret, input).toString('base64url')}`;
  }

  /**
   * Verifies signature (by kid), algorithm, issuer, expiry, type and claim shapes; undefined when any
   * fails. The outcome for the very same token string is remembered until the token expires or its
   * key stops being accepted: only the signature check is saved, the caller still checks the
   * session on live data.
   */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims | undefined> {
    const known = this.verifiedAccessTokens.get(token);
    if (known) {
      if (Math.floor(Date.now() / 1000) < known.claims.exp && this.keys.verificationKey(known.kid)) return known.claims;
      this.verifiedAccessTokens.delete(token);
    }
    // With JWT_AUDIENCE a token must name it; jsonwebtoken checks nothing when audience is unset.
    const { issuer, audience } = this.settings;
    const verified = await this.verify<AccessTokenClaims>(token, { issuer, ...(audience === undefined ? {} : { audience }) });
    if (!verified) return undefined;
    const { claims, kid } = verified;
    if (claims.typ !== 'access' || !hasSessionClaims(claims)) return undefined;
    if (claims.org_id !== null && !isUuid(claims.org_id)) return undefined;
    if (this.verifiedAccessTokens.size >= VERIFIED_ACCESS_TOKENS_CACHED) {
      this.verifiedAccessTokens.delete(this.verifiedAccessTokens.keys().next().value as string);
    }
    this.verifiedAccessTokens.set(token, { claims, kid });
    return claims;
  }

  /** Signed with the refresh-token key, or (issued before it existed) with a signing key still accepted. */
  async verifyRefreshToken(token: string): Promise<RefreshTokenClaims | undefined> {
    const claims = (await this.verify<RefreshTokenClaims>(token, {}, this.keys.refreshTokenKey))?.claims;
    return claims?.typ === 'refresh' && hasSessionClaims(claims) ? claims : undefined;
  }

  private async verify<T extends object>(
    token: string,
    options: { issuer?: string; audience?: string },
    refreshKey?: RefreshTokenKeyMaterial,
  ): Promise<{ claims: T; kid: string } | undefined> {
    const header = this.decodeHeader(token);
    if (typeof header?.kid !== 'string') return undefined;
    const key =
      refreshKey && header.kid === refreshKey.kid
        ? { algorithm: 'HS256' as const, verificationKey: refreshKey.secret }
        : (this.keys.verificationKey(header.kid) ?? (await this.keys.verificationKeyAfterReload(header.kid)));
    // The algorithm comes from our key, never from the token: no "none", no HS256 signed with a public key.
    if (!key || header.alg !== key.algorithm) return undefined;
    try {
      const claims = await this.jwt.verifyAsync<T>(token, {
        algorithms: [key.algorithm],
        ...options,
        // jsonwebtoken takes a KeyObject as is; parsing the PEM on every request would cost more than the check.
        publicKey: key.verificationKey as unknown as string,
      });
      return { claims, kid: header.kid };
    } catch {
      return undefined;
    }
  }

  private decodeHeader(token: string): { kid?: unknown; alg?: unknown } | undefined {
    try {
      const decoded: unknown = this.jwt.decode(token, { complete: true });
      return (decoded as { header?: { kid?: unknown; alg?: unknown } } | null)?.header;
    } catch {
      return undefined;
    }
  }

  /**
   * Compact JWS (RFC 7515), the same header and claims jsonwebtoken writes. Signed on the event
   * loop: a login's bcrypt comparison fills libuv's thread pool, and a signature sent there waits
   * behind every comparison queued before it (0.8–1.8 s at 16 connections, `npm run
   * bench:signing`), where on the event loop it takes 0.2–0.8 ms. Verification stays with
   * @nestjs/jwt.
   */
  private sign(payload: Record<string, unknown>, expiresAtMs: number, key: KeyMaterial, issuedAtMs: number): string {
    const signingKey = key.signingKey as KeyObject;
    const input = signingInput({ alg: key.algorithm, typ: 'JWT', kid: key.kid }, this.claims(payload, expiresAtMs, issuedAtMs));
    const signature =
      key.algorithm === 'HS256'
        ? hmacSha256(signingKey, input)
        : cryptoSign(
            'sha256',
            Buffer.from(input),
            // JWS wants ECDSA signatures as r || s, not DER.
            key.algorithm === 'ES256' ? { key: signingKey, dsaEncoding: 'ieee-p1363' } : signingKey,
          );
    return `${input}.${signature.toString('base64url')}`;
  }

  /** The payload with iat and exp, both in whole seconds; exp is at least a second after iat. */
  private claims(payload: Record<string, unknown>, expiresAtMs: number, issuedAtMs: number): Record<string, unknown> {
    const iat = Math.floor(issuedAtMs / 1000);
    return { ...payload, iat, exp: Math.max(iat + 1, Math.floor(expiresAtMs / 1000)) };
  }
}

/** The JWS signing input: the encoded header and claims. */
function signingInput(header: object, claims: object): string {
  return `${base64url(header)}.${base64url(claims)}`;
}

const hmacSha256 = (key: KeyObject, input: string) => createHmac('sha256', key).update(input).digest();

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** sub and sid end up in SQL as uuids: anything else is refused here, not by the database. */
function hasSessionClaims(claims: { sub?: unknown; sid?: unknown; jti?: unknown }): boolean {
  return isUuid(claims.sub) && isUuid(claims.sid) && typeof claims.jti === 'string' && claims.jti.length > 0;
}
