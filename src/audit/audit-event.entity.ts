import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditDetails = Record<string, string | number | boolean | null>;

/**
 * A security event. Append-only: a trigger (see the migrations) refuses UPDATE and DELETE but for
 * retention (rows older than AUDIT_RETENTION) and erasure (a deleted account's email and name
 * leave `details`), and there are no foreign keys, so the trail outlives the users and
 * organizations it names.
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_organization_time', ['organizationId', 'occurredAt'])
@Index('ix_audit_events_occurred_at', ['occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_audit_events' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  /** Whom or what the event is about (a user, membership, role or session id). */
  @Column({ name: 'target_id', type: 'uuid', nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: AuditDetails;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
