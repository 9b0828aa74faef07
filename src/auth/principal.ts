import type { SystemRole } from '../users/user.entity';
import type { ProfileView } from './profiles.repository';

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
  /** The user and every live membership, read with the session check on a @NeedsProfile() route. */
  profile?: ProfileView;
}
