import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { User } from '../users/user.entity';

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

/** A one-time token sent by email; only its SHA-256 is stored. */
@Entity({ name: 'email_tokens' })
@Index('ix_email_tokens_user_purpose', ['userId', 'purpose'])
// The retention sweep finds finished tokens by when they finished: used, or expired unused.
@Index('ix_email_tokens_used', ['usedAt'], { where: '"used_at" IS NOT NULL' })
@Index('ix_email_tokens_unused_expiry', ['expiresAt'], { where: '"used_at" IS NULL' })
export class EmailToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_email_tokens' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_email_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  purpose!: EmailTokenPurpose;

  @Index('uq_email_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
