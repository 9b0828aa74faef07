import { Injectable } from '@nestjs/common';

import { deleteBatch } from '../database/batch-delete';
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

/**
 * The INSERT of one audit event per row of `source` (a WITH clause's name, with columns `id` and
 * `organization_id`): `event` with its targetId and organizationId taken from each row.
 */
export function auditEventsInsertFrom(
  event: Omit<NewAuditEvent, 'targetId' | 'organizationId'>,
  source: string,
  first = 1,
): { sql: string; values: unknown[] } {
  const values = [event.type, event.actorUserId, JSON.stringify(event.details), event.ip, event.requestId];
  const [type, actor, details, ip, requestId] = values.map((_value, index) => `$${first + index}`);
  return {
    sql:
      'INSERT INTO audit_events (type, actor_user_id, organization_id, target_id, details, ip, request_id) ' +
      `SELECT ${type}, ${actor}::uuid, organization_id, id, ${details}::jsonb, ${ip}, ${requestId} FROM ${source}`,
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

  /**
   * Every event about a person, oldest first: done by them, done to them or to one of `relatedIds`
   * (their sessions and memberships), naming them in `details.user_id`, or naming their email
   * (failed logins, which know no user).
   */
  findAboutPerson(userId: string, email: string, relatedIds: string[]): Promise<AuditEvent[]> {
    return this.tx.manager
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.actorUserId = :userId OR event.targetId = :userId', { userId })
      .orWhere('event.targetId = ANY(CAST(:relatedIds AS uuid[]))', { relatedIds })
      .orWhere(`event.details ->> 'user_id' = :userText OR event.details ->> 'email' = :email`, { userText: userId, email })
      .orderBy('event.occurredAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .getMany();
  }

  /**
   * The one edit the trail allows (see the Retention migration's trigger): the email, and a name,
   * leave every event that names the person by their email. The user id stays.
   */
  async forgetPerson(email: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE audit_events SET details = details - ARRAY['email', 'normalized_email', 'name']
        WHERE details ->> 'email' = $1 OR details ->> 'normalized_email' = $1`,
      [email],
    );
  }

  /**
   * One batch of the retention sweep: events older than `ageSeconds`. The trigger lets a DELETE
   * through only for rows older than the cutoff the transaction declares, so it is declared first,
   * for this transaction only (one cutoff: now() is the transaction's start).
   */
  async deleteOlderThan(ageSeconds: number, limit: number): Promise<number> {
    await this.tx.manager.query(
      `SELECT set_config('identity.audit_retention_cutoff', (now() - make_interval(secs => $1))::text, true)`,
      [ageSeconds],
    );
    return deleteBatch(this.tx, 'audit_events', [{ column: 'occurred_at' }], ageSeconds, limit);
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
