import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { User } from '../users/user.entity';
import { Organization } from './organization.entity';
import { Role } from './role.entity';

/** An invitation to join an organization; the accept token is kept only as its SHA-256. */
@Entity({ name: 'invitations' })
// One pending invitation per (normalised) email and organization.
@Index('uq_invitations_pending_email', ['organizationId', 'email'], { unique: true, where: '"accepted_at" IS NULL' })
// The retention sweep finds finished invitations by when they finished: accepted, or expired.
@Index('ix_invitations_accepted', ['acceptedAt'], { where: '"accepted_at" IS NOT NULL' })
@Index('ix_invitations_pending_expiry', ['expiresAt'], { where: '"accepted_at" IS NULL' })
export class Invitation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_invitations' })
  id!: string;

  @Index('ix_invitations_organization')
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** Normalised (normalizeEmail), like users.email. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ name: 'role_id', type: 'uuid' })
  roleId!: string;

  /** Null once the inviter's account is gone. */
  @Column({ name: 'invited_by', type: 'uuid', nullable: true })
  invitedBy!: string | null;

  @Index('uq_invitations_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_invitations_organization' })
  organization?: Organization;

  // Deleting a role is refused while a pending invitation offers it; the history goes with the role.
  @ManyToOne(() => Role, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'fk_invitations_role' })
  role?: Role;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'invited_by', foreignKeyConstraintName: 'fk_invitations_invited_by' })
  inviter?: User;
}
