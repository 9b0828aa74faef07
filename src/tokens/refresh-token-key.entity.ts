import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The service's own HMAC key for refresh tokens, generated once and shared by every replica.
 * Refresh tokens are read by nobody but this service, so they need no public key: an HMAC costs
 * microseconds where an RSA signature costs about a millisecond.
 */
@Entity({ name: 'refresh_token_keys' })
export class RefreshTokenKey {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_refresh_token_keys' })
  kid!: string;

  /** base64url, 48 random bytes. */
  @Column({ type: 'text', select: false })
  secret?: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
