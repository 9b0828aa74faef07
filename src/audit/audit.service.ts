import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { requestContext } from '../common/logging/request-context';
import { AuditRepository, NewAuditEvent } from './audit.repository';
import { AuditDetails, AuditEvent } from './audit-event.entity';

export type AuditEventType =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.blocked'
  | 'login.delayed'
  | 'refresh.reuse_detected'
  | 'password.changed'
  | 'password.reset'
  | 'session.revoked'
  | 'member.added'
  | 'member.removed'
  | 'member.role_changed'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'organization.deleted'
  | 'user.deleted'
  | 'passkey.added'
  | 'passkey.removed'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'mfa.recovery_codes_renewed'
  | 'mfa.recovery_code_used';

export interface AuditRecord {
  type: AuditEventType;
  actorUserId?: string | null;
  organizationId?: string | null;
  targetId?: string | null;
  details?: AuditDetails;
}

export interface AuditPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

/** Writes the security trail. IP and request id come from the request being served. */
@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Inside a use case's transaction the event commits (or not) with the change it records. */
  async record(event: AuditRecord): Promise<void> {
    await this.audit.insert(this.entry(event));
  }

  /**
   * The row for an event, with the IP and request id of the request being served: for a
   * repository that writes it in the same statement as the change it records.
   */
  entry(event: AuditRecord): NewAuditEvent {
    const context = requestContext.getStore();
    return {
      type: event.type,
      actorUserId: event.actorUserId ?? null,
      organizationId: event.organizationId ?? null,
      targetId: event.targetId ?? null,
      details: event.details ?? {},
      ip: context?.ip ?? null,
      requestId: context?.requestId ?? null,
    };
  }

  /** For events whose own failure must not fail the request (a failed login is still a 401). */
  async recordBestEffort(event: AuditRecord): Promise<void> {
    try {
      await this.record(event);
    } catch (error) {
      this.logger.error({ err: error, audit_type: event.type }, 'could not write an audit event');
    }
  }

  /** Every event about a person (GET /me/export): see AuditRepository.findAboutPerson. */
  aboutPerson(userId: string, email: string, relatedIds: string[]): Promise<AuditEvent[]> {
    return this.audit.findAboutPerson(userId, email, relatedIds);
  }

  /** An account deletion: the events keep the user id and lose the email (and any name). */
  forgetPerson(email: string): Promise<void> {
    return this.audit.forgetPerson(email);
  }

  /** One batch of the retention sweep (AUDIT_RETENTION): events older than `ageSeconds`. */
  deleteOlderThan(ageSeconds: number, limit: number): Promise<number> {
    return this.audit.deleteOlderThan(ageSeconds, limit);
  }

  async page(organizationId: string, limit: number, cursor?: string): Promise<AuditPage> {
    const events = await this.audit.findPage(organizationId, limit + 1, cursor ? decodeCursor(cursor) : undefined);
    const page = events.slice(0, limit);
    const last = page[page.length - 1];
    return { events: page, nextCursor: events.length > limit && last ? encodeCursor(last) : null };
  }
}

function encodeCursor(event: AuditEvent): string {
  return Buffer.from(JSON.stringify([event.occurredAt.toISOString(), event.id])).toString('base64url');
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Undefined for a cursor this service did not make (the controller answers 400). */
export function decodeCursor(cursor: string): { occurredAt: Date; id: string } | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(decoded)) return undefined;
    const [at, id] = decoded as unknown[];
    if (typeof at !== 'string' || !ISO_UTC.test(at) || typeof id !== 'string' || !UUID.test(id)) return undefined;
    const occurredAt = new Date(at);
    return Number.isNaN(occurredAt.getTime()) ? undefined : { occurredAt, id };
  } catch {
    return undefined;
  }
}
