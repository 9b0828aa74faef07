import type { SystemRole } from '../common/request/principal';
import type { OrganizationRole, ProfileView } from '../organizations/organization-scopes.read-model';

/** The rows and answers of SessionsRepository. */

export interface NewSession {
  id: string;
  userId: string;
  organizationId: string | null;
  refreshTokenHash: string;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
}

/** A session revoked to make room for a new one (MAX_SESSIONS_PER_USER). */
export interface EvictedSession {
  id: string;
  organizationId: string | null;
}

export interface Rotation {
  sessionId: string;
  userId: string;
  presentedHash: string;
  nextHash: string;
  /** The sliding end: now + REFRESH_TOKEN_TTL. */
  expiresAt: Date;
  /** SESSION_MAX_LIFETIME: the end never passes the session's created_at + this. */
  maxLifetimeSeconds: number;
  userAgent: string | null;
  ip: string | null;
}

/** A session whose refresh token was just rotated, with the profile its new tokens carry. */
export interface RotatedSession {
  id: string;
  organizationId: string | null;
  /** The new end: sliding, capped by the session's maximum lifetime. */
  expiresAt: Date;
  profile: ProfileView;
}

/** What the bearer guard needs to know about a token's session, user and organization. */
export interface LiveSessionCheck {
  userId: string;
  email: string;
  systemRole: SystemRole;
  lastUsedAt: Date;
  organizationLive: boolean;
  /** Read only when asked for (`reads: 'profile'`). */
  profile?: ProfileView;
  /** Read only when asked for (`reads: 'role'`): the live role in the token's organization, null when not a member. */
  organizationRole?: OrganizationRole | null;
}

/** What the bearer check reads besides the session: nothing, the caller's profile, or their live role. */
export type LiveReads = 'session' | 'profile' | 'role';

export type RevocationReason =
  | 'logout'
  | 'refresh_reuse'
  | 'session_deleted'
  | 'password_changed'
  | 'password_reset'
  | 'session_limit'
  | 'account_deleted'
  | 'mfa_disabled'
  | 'recovery_codes_renewed';
