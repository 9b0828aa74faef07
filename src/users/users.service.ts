import { Injectable } from '@nestjs/common';

import { ReadModel } from '../database/read-model';
import { normalizeEmail } from './email';
import { User } from './user.entity';
import { EmailTakenError, UserNotFoundError } from './users.errors';
import { NewUser, UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async createUser(user: NewUser): Promise<User> {
    const created = await this.createUnlessEmailTaken(user);
    if (!created) throw new EmailTakenError();
    return created;
  }

  /** The new user, or null when the (normalised) email has an account already. */
  createUnlessEmailTaken(user: NewUser): Promise<User | null> {
    return this.users.insertUnlessEmailTaken({ ...user, email: normalizeEmail(user.email) });
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

  findPasswordHash(id: string): Promise<string | undefined> {
    return this.users.findPasswordHash(id);
  }

  markEmailVerified(id: string): Promise<void> {
    return this.users.markEmailVerified(id, new Date());
  }

  updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    return this.users.updatePasswordHash(id, passwordHash);
  }

  async rename(id: string, name: string): Promise<User> {
    await this.users.updateName(id, name);
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  rememberOrganization(id: string, organizationId: string): Promise<void> {
    return this.users.updateLastOrganization(id, organizationId);
  }
}
