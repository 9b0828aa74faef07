/** A system role: `admin` may change things, `read_only` may sign in and read. */
export type SystemRole = 'admin' | 'read_only';

/**
 * Who is calling, as established by the bearer guard from a valid access token whose session,
 * user and organization were checked live. Permissions are not here on purpose: they are read
 * from the live membership where they are needed, never from the token's copy.
 */
export interface Principal {
  userId: string;
  sessionId: string;
  email: string;
  systemRole: SystemRole;
  /** The organization the access token is scoped to (null for a user without one). */
  organizationId: string | null;
}

/** What a session records about the client that opened or refreshed it. */
export interface ClientInfo {
  userAgent: string | null;
  /** The client address (X-Forwarded-For only as far as TRUST_PROXY says). */
  ip: string | null;
}
