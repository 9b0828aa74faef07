import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { User } from '../users/user.entity';

/**
 * The second step of a password sign-in: the mfa_token (only its SHA-256 is stored) that the
 * right password earned, valid for 5 minutes, once, and until 5 wrong codes.
 */
@Entity({ name: 'mfa_challenges' })
@Index('ix_mfa_challenges_user', ['userId'])
// The retention sweep finds finished challenges by when they finished: used, or expired unused.
@Index('ix_mfa_challenges_used', ['usedAt'], { where: '"used_at" IS NOT NULL' })
@Index('ix_mfa_challenges_unused_expiry', ['expiresAt'], { where: '"used_at" IS NULL' })
export class MfaChallenge {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_mfa_challenges' })
  id!: string;

  @Index('uq_mfa_challenges_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_challenges_user' })
  user?: User;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  /** The passkeys feature's challenge token, once passkey options were asked for (never sent to the client again). */
  @Column({ name: 'passkey_challenge_token', type: 'varchar', length: 1024, nullable: true })
  passkeyChallengeToken!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
