import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import { User } from '../users/user.entity';

/**
 * A user's TOTP authenticator: pending until a first code confirms it (confirmed_at), then the
 * account's second factor. The secret is sealed with the data key (DataCipher); the last time
 * step a code was accepted for makes each code work once.
 */
@Entity({ name: 'mfa_totp_factors' })
export class TotpFactor {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_mfa_totp_factors' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_totp_factors_user' })
  user?: User;

  /** Sealed (enc:v1:…): never the plain Base32 secret. */
  @Column({ type: 'text' })
  secret!: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'last_used_step', type: 'integer', nullable: true })
  lastUsedStep!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
