import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A change event waiting to be published to NATS JetStream: written in the same transaction as
 * the change it announces, then published by the event publisher in `seq` order. Rows stay after
 * publication (published_at) until the retention sweep removes them.
 */
@Entity({ name: 'outbox_events' })
@Index('ix_outbox_events_unpublished', ['seq'], { where: '"published_at" IS NULL' })
@Index('ix_outbox_events_published', ['publishedAt'], { where: '"published_at" IS NOT NULL' })
export class OutboxEvent {
  /** The CloudEvents id, and the Nats-Msg-Id that JetStream deduplicates on. */
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_outbox_events' })
  id!: string;

  /** The order of publication. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  seq!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  /** The id of the thing changed (CloudEvents `subject`). */
  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** A publisher's claim: until then no other replica publishes (the order stays one). */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'locked_by', type: 'uuid', nullable: true })
  lockedBy!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
