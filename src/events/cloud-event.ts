import type { PendingEvent } from './events.repository';

/** Every event type this service publishes; the NATS subject is the type itself. */
export const EVENT_TYPES = [
  'identity.user.registered',
  'identity.user.updated',
  'identity.user.email_verified',
  'identity.user.password_changed',
  'identity.user.deleted',
  'identity.user.passkey_added',
  'identity.user.passkey_removed',
  'identity.user.mfa_enabled',
  'identity.user.mfa_disabled',
  'identity.session.created',
  'identity.session.revoked',
  'identity.organization.created',
  'identity.organization.updated',
  'identity.organization.deleted',
  'identity.member.added',
  'identity.member.role_changed',
  'identity.member.removed',
  'identity.role.created',
  'identity.role.updated',
  'identity.role.deleted',
  'identity.invitation.created',
  'identity.invitation.accepted',
  'identity.invitation.revoked',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Why a session ended, as `identity.session.revoked` tells it. */
export type SessionRevocationReason =
  | 'logout'
  | 'refresh_reuse'
  | 'password_changed'
  | 'password_reset'
  | 'revoked_by_user'
  | 'expired_by_admin'
  | 'session_limit'
  | 'account_deleted'
  | 'mfa_disabled'
  | 'recovery_codes_renewed';

/** Where every event goes: one stream, one subject per type under identity.> */
export const EVENT_STREAM = 'IDENTITY';
export const EVENT_SUBJECTS = 'identity.>';

/** A CloudEvents 1.0 event in the structured JSON format. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export function toCloudEvent(event: PendingEvent, source: string): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: event.type,
    time: event.occurredAt.toISOString(),
    subject: event.subject,
    datacontenttype: 'application/json',
    data: event.data,
  };
}
