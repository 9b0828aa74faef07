import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { User } from '../users/user.entity';

export type ChallengePurpose = 'registration' | 'authentication';

/**
 * A WebAuthn challenge handed out with ceremony options: single use, short lived. Found by the
 * SHA-256 of what the client hands back (the challenge token of a sign-in; the challenge itself,
 * from clientDataJSON, for a registration).
 */
@Entity({ name: 'webauthn_challenges' })
@Index('ix_webauthn_challenges_user', ['userId'])
// The retention sweep finds finished challenges by when they finished: used, or expired unused.
@Index('ix_webauthn_challenges_used', ['usedAt'], { where: '"used_at" IS NOT NULL' })
@Index('ix_webauthn_challenges_unused_expiry', ['expiresAt'], { where: '"used_at" IS NULL' })
export class WebauthnChallenge {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webauthn_challenges' })
  id!: string;

  @Index('uq_webauthn_challenges_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** base64url, as in the options. */
  @Column({ type: 'varchar', length: 128 })
  challenge!: string;

  /** The user the ceremony is for; null for a passwordless sign-in (the passkey will tell who). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_webauthn_challenges_user' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose!: ChallengePurpose;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
