import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { LoginSettings } from '../config/login.settings';
import { TransactionHost } from '../database/transaction-host';
import { MailService } from '../mail/mail.service';
import { accountExistsEmail } from '../mail/templates';
import { OrganizationsService } from '../organizations/organizations.service';
import { Quotas } from '../rate-limit/quotas';
import { normalizeEmail } from '../users/email';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { EmailTakenError } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import { EmailVerificationService } from './email-verification.service';

export interface Registration {
  name: string;
  email: string;
  password: string;
}

// "You already have an account" emails per address and day: a registration loop must not mail anyone at will.
const ACCOUNT_EXISTS_NOTICES = [{ limit: 3, windowSeconds: 86_400 }];

/** POST /register: a new account with its first organization. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly login: LoginSettings,
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly passwords: PasswordHasher,
    private readonly verification: EmailVerificationService,
    private readonly mail: MailService,
    private readonly quotas: Quotas,
  ) {}

  /**
   * Creates the user, their first organization (named after them), the owner membership and the
   * verification email in the outbox, atomically. A taken email is 409 email_taken, unless
   * LOGIN_HIDE_UNKNOWN_ACCOUNTS=true: then the answer looks like a new account's (the same
   * work, the same shape, nothing stored) and the mailbox's owner gets an email saying so.
   */
  async register({ name, email, password }: Registration): Promise<User> {
    const passwordHash = await this.passwords.hash(password);
    return this.tx.run(async () => {
      const user = await this.users.createUnlessEmailTaken({ name, email, passwordHash });
      if (!user) return this.registerTaken(name, normalizeEmail(email));
      const organization = await this.organizations.createOrganization(user.id, name);
      await this.users.rememberOrganization(user.id, organization.id);
      await this.verification.sendVerification(user);
      return user;
    });
  }

  private async registerTaken(name: string, email: string): Promise<User> {
    if (!this.login.hideUnknownAccounts) throw new EmailTakenError();
    if (await this.quotas.allows('account_exists_notice', email, ACCOUNT_EXISTS_NOTICES))
      await this.mail.enqueue(accountExistsEmail(email, this.mail.page('/sign-in')));
    const now = new Date();
    // What a new account would answer; nothing of the existing one shows.
    return Object.assign(new User(), {
      id: randomUUID(),
      name,
      email,
      role: 'admin',
      emailVerifiedAt: null,
      lastOrganizationId: null,
      createdAt: now,
      updatedAt: now,
    });
  }
}
