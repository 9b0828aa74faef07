import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { User } from '../users/user.entity';

/** bigint columns come back from pg as strings; a sign counter is a 32-bit number. */
const COUNTER = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/** A WebAuthn credential (passkey) registered by a user: its public key, never a secret. */
@Entity({ name: 'passkeys' })
@Index('ix_passkeys_user', ['userId'])
export class Passkey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_passkeys' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_passkeys_user' })
  user?: User;

  /** The credential id, base64url, as the browser's JSON carries it. */
  @Index('uq_passkeys_credential_id', { unique: true })
  @Column({ name: 'credential_id', type: 'text' })
  credentialId!: string;

  /** The COSE public key. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** The authenticator's signature counter at its last use (0: it keeps none). */
  @Column({ type: 'bigint', default: 0, transformer: COUNTER })
  counter!: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  transports!: string[];

  /** `singleDevice` or `multiDevice` (synced). */
  @Column({ name: 'device_type', type: 'varchar', length: 16 })
  deviceType!: string;

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp!: boolean;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
