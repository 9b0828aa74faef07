import type { SessionRevocationReason } from '../events/cloud-event';
import { EventsService } from '../events/events.service';
import type { RevocationReason } from './session-rows';

/** The reason an event tells for each stored one: a session its user ended is `revoked_by_user`. */
const EVENT_REASONS: Record<RevocationReason, SessionRevocationReason> = {
  logout: 'logout',
  refresh_reuse: 'refresh_reuse',
  session_deleted: 'revoked_by_user',
  password_changed: 'password_changed',
  password_reset: 'password_reset',
  session_limit: 'session_limit',
  account_deleted: 'account_deleted',
  mfa_disabled: 'mfa_disabled',
  recovery_codes_renewed: 'recovery_codes_renewed',
};

/** identity.session.revoked, in the transaction of the revocation. */
export function announceRevocation(
  events: EventsService,
  session: { id: string; userId: string },
  reason: RevocationReason,
): Promise<void> {
  return events.emit('identity.session.revoked', session.id, {
    session_id: session.id,
    user_id: session.userId,
    reason: EVENT_REASONS[reason],
  });
}
