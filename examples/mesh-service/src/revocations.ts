/** What this service reads from an access token of the identity service. */
export interface AccessClaims {
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  email: string;
  org_id: string | null;
  org_role: string | null;
  permissions: string[];
}

/** What this service reads from the `data` of the revoking events (see the identity service's contract). */
export interface RevokingEventData {
  session_id?: string;
  user_id?: string;
  organization_id?: string;
  member?: { user?: { id?: string } };
  role?: { key?: string };
  organization?: { id?: string };
}

/** An event of the identity service (a CloudEvents 1.0 JSON body). */
export interface IdentityEvent {
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  data: RevokingEventData;
}

/** The event types that take access away from tokens already issued. */
export const REVOKING_EVENTS = [
  'identity.session.revoked',
  'identity.user.password_changed',
  'identity.user.deleted',
  'identity.member.removed',
  'identity.member.role_changed',
  'identity.role.updated',
  'identity.organization.deleted',
] as const;

interface Cutoff {
  /** Tokens issued at or before this second (their `iat`) no longer count. */
  issuedUpTo: number;
  /** After this (ms) no token issued before the event is still valid: the entry is dropped. */
  forgetAt: number;
}

/**
 * The revocations this service knows of, fed by the identity service's events. A revoked
 * session's tokens are refused; for the other events, tokens issued up to the second of the
 * event are refused (the client refreshes and gets a token with the current role, or none):
 *
 * - `session.revoked` (logout, refresh-token reuse, password change or reset, a session ended by
 *   its user): that session's tokens;
 * - `user.password_changed`: the user's tokens (the session that changed it refreshes);
 * - `user.deleted`: the user's tokens (each of their sessions is also announced revoked);
 * - `member.removed`, `member.role_changed`: the member's tokens for that organization;
 * - `role.updated`: tokens carrying that role in that organization (their permissions changed);
 * - `organization.deleted`: every token scoped to it.
 *
 * Nothing issued before an event outlives it by more than the access-token lifetime, so entries
 * are forgotten then: the set stays as small as the last hour's revocations.
 */
export class RevocationSet {
  private readonly sessions = new Map<string, number>();
  private readonly cutoffs = new Map<string, Cutoff>();

  constructor(
    private readonly tokenLifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size + this.cutoffs.size;
  }

  /** Takes in one event; other types are ignored. */
  apply(event: IdentityEvent): void {
    const at = Date.parse(event.time);
    const forgetAt = at + this.tokenLifetimeMs;
    if (Number.isNaN(at) || forgetAt <= this.now()) return;
    const { data } = event;
    switch (event.type) {
      case 'identity.session.revoked':
        this.sessions.set(String(data.session_id), forgetAt);
        return;
      case 'identity.user.password_changed':
        return this.cut(`user:${data.user_id}`, at, forgetAt);
      case 'identity.user.deleted':
        return this.cut(`deleted:${data.user_id}`, at, forgetAt);
      case 'identity.member.removed':
      case 'identity.member.role_changed':
        return this.cut(`member:${data.organization_id}:${data.member?.user?.id}`, at, forgetAt);
      case 'identity.role.updated':
        return this.cut(`role:${data.organization_id}:${data.role?.key}`, at, forgetAt);
      case 'identity.organization.deleted':
        return this.cut(`organization:${data.organization?.id}`, at, forgetAt);
    }
  }

  /** Why the token no longer counts, or undefined when it still does. */
  reasonToRefuse(claims: AccessClaims): string | undefined {
    if (this.live(this.sessions.get(claims.sid))) return 'the session was revoked';
    const checks: [string, string][] = [
      [`deleted:${claims.sub}`, 'the account was deleted'],
      [`user:${claims.sub}`, 'the password changed'],
    ];
    if (claims.org_id !== null) {
      checks.push(
        [`organization:${claims.org_id}`, 'the organization was deleted'],
        [`member:${claims.org_id}:${claims.sub}`, 'the membership changed'],
        [`role:${claims.org_id}:${claims.org_role}`, 'the role changed'],
      );
    }
    for (const [key, reason] of checks) {
      const cutoff = this.cutoffs.get(key);
      if (cutoff && this.live(cutoff.forgetAt) && claims.iat <= cutoff.issuedUpTo) return reason;
    }
    return undefined;
  }

  /** Drops what no valid token can concern any more. */
  prune(): void {
    for (const [sid, forgetAt] of this.sessions) if (!this.live(forgetAt)) this.sessions.delete(sid);
    for (const [key, cutoff] of this.cutoffs) if (!this.live(cutoff.forgetAt)) this.cutoffs.delete(key);
  }

  private cut(key: string, at: number, forgetAt: number): void {
    // iat is in whole seconds: a token of the event's own second may predate it, so it goes too.
    const issuedUpTo = Math.floor(at / 1000);
    const known = this.cutoffs.get(key);
    if (!known || known.issuedUpTo < issuedUpTo) this.cutoffs.set(key, { issuedUpTo, forgetAt });
  }

  private live(forgetAt: number | undefined): boolean {
    return forgetAt !== undefined && forgetAt > this.now();
  }
}
