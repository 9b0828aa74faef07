import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import type { SystemRole } from '../common/request/principal';

@Entity({ name: 'users' })
@Check('ck_users_role', `"role" IN ('admin', 'read_only')`)
// Emails are stored in their normalised form (email.ts): a plain unique index backs uniqueness.
@Index('uq_users_email', ['email'], { unique: true })
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  // Never selected unless a repository method asks for it explicitly.
  @Column({ name: 'password_hash', type: 'varchar', length: 100, select: false })
  passwordHash?: string;

  @Column({ type: 'varchar', length: 16, default: 'admin' })
  role!: SystemRole;

  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt!: Date | null;

  /** The organization login starts in; set by registration and switch-organization. */
  @Column({ name: 'last_organization_id', type: 'uuid', nullable: true })
  lastOrganizationId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
