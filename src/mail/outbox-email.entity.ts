import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const EMAIL_LANES = ['account', 'bulk'] as const;
export type EmailLane = (typeof EMAIL_LANES)[number];

/**
 * An email waiting to be sent: written in the same transaction as whatever it announces, then
 * delivered by the mail worker. Rows stay after delivery (sent_at) as a record, without the tokens
 * of their links.
 */
@Entity({ name: 'outbox_emails' })
@Check('ck_outbox_emails_lane', `"lane" IN ('account', 'bulk')`)
@Index('ix_outbox_emails_due', ['lane', 'nextAttemptAt'], { where: '"sent_at" IS NULL AND "failed_at" IS NULL' })
// The retention sweep finds sent and given-up emails by when that happened.
@Index('ix_outbox_emails_sent', ['sentAt'], { where: '"sent_at" IS NOT NULL' })
@Index('ix_outbox_emails_failed', ['failedAt'], { where: '"failed_at" IS NOT NULL' })
export class OutboxEmail {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_outbox_emails' })
  id!: string;

  @Column({ name: 'to_address', type: 'varchar', length: 320 })
  toAddress!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'text' })
  htmlBody!: string;

  /**
   * Which delivery lane sends it: `account` (verification, password reset, notices) and `bulk`
   * (invitations) are sent side by side, so account emails never wait behind invitations.
   */
  @Column({ type: 'varchar', length: 16, default: 'account' })
  lane!: EmailLane;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** A worker's claim: until then no other worker (or replica) takes the row. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** Set when every attempt failed; the row is kept for an operator to inspect. */
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
