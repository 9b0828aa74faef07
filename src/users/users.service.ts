import { Injectable } from '@nestjs/common';

import { ReadModel } from '../database/read-model';
import { EventsService } from '../events/events.service';
import { toUserResponse } from './dto/user.response';
import { normalizeEmail } from './email';
import { User } from './user.entity';
import { EmailTakenError, UserNotFoundError } from './users.errors';
import { NewUser, UsersRepository } from './users.repository';

/**
 * The users table and the events about it (identity.user.*). Changes that write an event too run
 * inside the caller's transaction.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly events: EventsService,
  ) {}

  async createUser(user: NewUser): Promise<User> {
    const created = await this.createUnlessEmailTaken(user);
    if (!created) throw new EmailTakenError();
    return created;
  }

  /** The new user (announced as identity.user.registered), or null when the (normalised) email has an account already. */
  async createUnlessEmailTaken(user: NewUser): Promise<User | null> {
    const created = await this.users.insertUnlessEmailTaken({ ...user, email: normalizeEmail(user.email) });
    if (created) await this.events.emit('identity.user.registered', created.id, { user: toUserResponse(created) });
    return created;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  /** The account by email with its password hash and another module's read model (see UsersRepository). */
  findByEmailWithPasswordHash<T>(email: string, also: ReadModel<T>): Promise<{ user: User; also: T } | null> {
    return this.users.findByEmailWithPasswordHash(normalizeEmail(email), also);
  }

  /** The account by id with another module's read model (one round trip). */
  findByIdWith<T>(id: string, also: ReadModel<T>): Promise<{ user: User; also: T } | null> {
    return this.users.findByIdWith(id, also);
  }

  findPasswordHash(id: string): Promise<string | undefined> {
    return this.users.findPasswordHash(id);
  }

  async markEmailVerified(id: string): Promise<void> {
    if (!(await this.users.markEmailVerified(id, new Date()))) return;
    await this.events.emit('identity.user.email_verified', id, async () => ({ user: toUserResponse(await this.existing(id)) }));
  }

  /** The same password, hashed at the current cost (login's upgrade): nothing changed for anyone else. */
  updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    return this.users.updatePasswordHash(id, passwordHash);
  }

  /** A new password (change or reset). */
  async setNewPassword(id: string, passwordHash: string): Promise<void> {
    await this.users.updatePasswordHash(id, passwordHash);
    await this.events.emit('identity.user.password_changed', id, { user_id: id });
  }

  async rename(id: string, name: string): Promise<User> {
    await this.users.updateName(id, name);
    const user = await this.existing(id);
    await this.events.emit('identity.user.updated', id, { user: toUserResponse(user) });
    return user;
  }

  /** The user, locked until the transaction ends (an account deletion); null once deleted. */
  lockForDeletion(id: string): Promise<User | null> {
    return this.users.lockForDeletion(id);
  }

  /**
   * Deletes the users row (name, email and password hash with it) and announces it
   * (identity.user.deleted), inside the caller's transaction. The caller has first ended what
   * refers to it; what is left (email tokens, sessions, memberships) goes by the foreign keys.
   */
  async deleteUser(id: string): Promise<void> {
    await this.users.deleteUser(id);
    await this.events.emit('identity.user.deleted', id, { user_id: id });
  }

  rememberOrganization(id: string, organizationId: string): Promise<void> {
    return this.users.updateLastOrganization(id, organizationId);
  }

  private async existing(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }
}
