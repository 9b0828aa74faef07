import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { AuditEvent } from './audit-event.entity';

export type NewAuditEvent = Pick<
  AuditEvent,
  'type' | 'actorUserId' | 'organizationId' | 'targetId' | 'details' | 'ip' | 'requestId'
>;

/**
 * The INSERT of one audit event with its parameters numbered from `first`: AuditRepository runs
 * it alone; a repository whose change must be recorded in the same round trip puts it in a WITH
 * clause of its own statement, which commits (or fails) as one.
 */
export function auditEventInsert(event: NewAuditEvent, first = 1): { sql: string; values: unknown[] } {
  const values = [
    event.type,
    event.actorUserId,
    event.organizationId,
    event.targetId,
    JSON.stringify(event.details),
    event.ip,
    event.requestId,
  ];
  const placeholders = values.map((_value, index) => `$${first + index}`).join(', ');
  return {
    sql: `INSERT INTO audit_events (type, actor_user_id, organization_id, target_id, details, ip, request_id) VALUES (${placeholders})`,
    values,
  };
}

@Injectable()
export class AuditRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(event: NewAuditEvent): Promise<void> {
    const { sql, values } = auditEventInsert(event);
    await this.tx.prepared('insert_audit_event', sql, values);
  }

  /** Newest first; `before` is the (occurred_at, id) of the last event of the previous page. */
  findPage(organizationId: string, limit: number, before?: { occurredAt: Date; id: string }): Promise<AuditEvent[]> {
    const query = this.tx.manager
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.organizationId = :organizationId', { organizationId })
      .orderBy('event.occurredAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(limit);
    if (before) query.andWhere('(event.occurredAt, event.id) < (:at, :id)', { at: before.occurredAt, id: before.id });
    return query.getMany();
  }
}
