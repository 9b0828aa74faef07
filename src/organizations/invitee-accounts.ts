import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { LoginSettings } from '../config/login.settings';
import { OrganizationSettings } from '../config/organizations.settings';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import {
  AccountDetailsRequiredError,
  InviteeNotVerifiedError,
  NotTheInviteeError,
  SignInRequiredError,
} from './organizations.errors';

/** Who accepts an invitation: the invited email's own account, signed in, or a new account. */
export type Invitee = { kind: 'existing'; user: User } | { kind: 'new'; name: string; passwordHash: string; verified: boolean };

export interface AcceptingCaller {
  /** The signed-in caller, when the request carried a valid access token. */
  principal: Principal | undefined;
  name?: string;
  password?: string;
}

/**
 * The accounts side of accepting an invitation. An accept token alone never touches an existing
 * account (that would hand its membership to whoever holds the token, or let an inviter enrol
 * anyone without consent): the account must be signed in. A new account is created unverified
 * while the token travels in the API answer (the inviter may have read it), verified when it came
 * only by email.
 */
@Injectable()
export class InviteeAccounts {
  constructor(
    private readonly organizations: OrganizationSettings,
    private readonly login: LoginSettings,
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Checked before the transaction: bcrypt is slow, and the organization stays locked meanwhile otherwise. */
  async resolve(email: string, { principal, name, password }: AcceptingCaller): Promise<Invitee> {
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (!principal) throw new SignInRequiredError();
      if (principal.userId !== existing.id) throw new NotTheInviteeError();
      if (this.login.requireVerifiedEmail && !existing.emailVerifiedAt) throw new InviteeNotVerifiedError();
      return { kind: 'existing', user: existing };
    }
    // Signed in as somebody else: the invitation is not theirs to accept.
    if (principal) throw new NotTheInviteeError();
    const missing = [...(name ? [] : ['name' as const]), ...(password ? [] : ['password' as const])];
    if (name === undefined || password === undefined || missing.length > 0) throw new AccountDetailsRequiredError(missing);
    const passwordHash = await this.passwords.hash(password);
    return { kind: 'new', name, passwordHash, verified: !this.organizations.invitationTokenInResponse };
  }

  /** Inside the acceptance's transaction: the account that joins. */
  async accountFor(email: string, invitee: Invitee, now: Date, organizationId: string): Promise<User> {
    if (invitee.kind === 'existing') return invitee.user;
    const user = await this.users.createUnlessEmailTaken({
      name: invitee.name,
      email,
      passwordHash: invitee.passwordHash,
      ...(invitee.verified ? { emailVerifiedAt: now } : {}),
    });
    // Registered meanwhile: now it is an existing account, which must sign in.
    if (!user) throw new SignInRequiredError();
    await this.users.rememberOrganization(user.id, organizationId);
    return user;
  }
}
