import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';

import { ReadModel } from '../database/read-model';
import { TransactionHost } from '../database/transaction-host';
import { User } from './user.entity';
import { USER_COLUMNS, userFromRow, UserRow } from './user.read-model';

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string;
  /** Set when the account is created by someone who proved they read this mailbox (an invitation). */
  emailVerifiedAt?: Date;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return this.repository.findOneBy({ id });
  }

  /** `email` in its normalised form (normalizeEmail), the form every row stores. */
  findByEmail(email: string): Promise<User | null> {
    return this.repository.findOneBy({ email });
  }

  /** False when it already was. */
  async markEmailVerified(id: string, at: Date): Promise<boolean> {
    const result = await this.repository.update({ id, emailVerifiedAt: IsNull() }, { emailVerifiedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The only read that includes the password hash: credential checks need it, nothing else does.
   * `also` is another module's read model computed in the same statement (login reads the
   * organizations it will scope the session to with it: one round trip).
   */
  async findByEmailWithPasswordHash<T>(email: string, also: ReadModel<T>): Promise<{ user: User; also: T } | null> {
    const [row] = await this.tx.prepared<UserRow & Record<string, unknown>>(
      `find_user_by_email_with_${also.column}`,
      `SELECT ${USER_COLUMNS}, u.password_hash, ${also.select('u.id')} FROM users u WHERE u.email = $1`,
      [email],
    );
    return row ? { user: userFromRow(row), also: also.read(row) } : null;
  }

  /** The account by id with another module's read model computed in the same statement. */
  async findByIdWith<T>(id: string, also: ReadModel<T>): Promise<{ user: User; also: T } | null> {
    const [row] = await this.tx.prepared<UserRow & Record<string, unknown>>(
      `find_user_by_id_with_${also.column}`,
      `SELECT ${USER_COLUMNS}, ${also.select('u.id')} FROM users u WHERE u.id = $1`,
      [id],
    );
    return row ? { user: userFromRow(row), also: also.read(row) } : null;
  }

  /** The password hash alone, for re-checking a signed-in user's current password. */
  async findPasswordHash(id: string): Promise<string | undefined> {
    const user = await this.repository
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.id = :id', { id })
      .getOne();
    return user?.passwordHash;
  }

  /**
   * Inserts the user unless the email is taken (by uq_users_email on the normalised form).
   * ON CONFLICT keeps the surrounding transaction usable and makes concurrent registrations of
   * one email wait for each other instead of failing with a driver error.
   */
  async insertUnlessEmailTaken(user: NewUser): Promise<User | null> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({
        name: user.name,
        email: user.email,
        passwordHash: user.passwordHash,
        emailVerifiedAt: user.emailVerifiedAt ?? null,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id === undefined ? null : this.findById(id);
  }

  /**
   * Locks the user's row until the transaction ends, against a second deletion of the account.
   * FOR NO KEY UPDATE: rows that reference the user (a session being opened, a membership being
   * added) may still be written meanwhile, so those use cases never wait on a deletion while
   * holding what it needs next (an organization's lock).
   */
  lockForDeletion(id: string): Promise<User | null> {
    return this.repository.createQueryBuilder('user').setLock('for_no_key_update').where('user.id = :id', { id }).getOne();
  }

  async deleteUser(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repository.update({ id }, { passwordHash });
  }

  async updateName(id: string, name: string): Promise<void> {
    await this.repository.update({ id }, { name });
  }

  async updateLastOrganization(id: string, organizationId: string): Promise<void> {
    // Not a profile change: updated_at keeps meaning "the user's data changed".
    await this.repository
      .createQueryBuilder()
      .update(User)
      .set({ lastOrganizationId: organizationId, updatedAt: () => '"updated_at"' })
      .where('id = :id', { id })
      .execute();
  }
}
