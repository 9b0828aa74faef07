import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { OrganizationsService } from '../organizations/organizations.service';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { EmailVerificationService } from './email-verification.service';

export interface Registration {
  name: string;
  email: string;
  password: string;
}

/** POST /register: a new account with its first organization. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly passwords: PasswordHasher,
    private readonly verification: EmailVerificationService,
  ) {}

  /**
   * Creates the user, their first organization (named after them), the owner membership and the
   * verification email in the outbox, atomically.
   */
  async register({ name, email, password }: Registration): Promise<User> {
    const passwordHash = await this.passwords.hash(password);
    return this.tx.run(async () => {
      const user = await this.users.createUser({ name, email, passwordHash });
      const organization = await this.organizations.createOrganization(user.id, name);
      await this.users.rememberOrganization(user.id, organization.id);
      await this.verification.sendVerification(user);
      return user;
    });
  }
}
