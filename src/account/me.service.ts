import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { MfaStatusService, MfaSummary } from '../mfa/mfa-status.service';
import type { OrganizationScope, ProfileView } from '../organizations/organization-scopes.read-model';
import { ReadOnlyUserError } from '../organizations/organizations.errors';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

export interface Profile extends ProfileView {
  currentOrganization: OrganizationScope | null;
  /** The user's second factors. */
  mfa: MfaSummary;
}

/** The caller's own account: GET and PATCH /me. */
@Injectable()
export class MeService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly mfa: MfaStatusService,
  ) {}

  /** The current organization is the access token's, while the caller is still a member of it. */
  async profileOf(principal: Principal, { user, organizations }: ProfileView): Promise<Profile> {
    const current = organizations.find((organization) => organization.id === principal.organizationId) ?? null;
    return { user, currentOrganization: current, organizations, mfa: await this.mfa.summaryOf(user.id) };
  }

  async rename(principal: Principal, name: string): Promise<User> {
    if (principal.systemRole === 'read_only') throw new ReadOnlyUserError();
    // The new name and its identity.user.updated event, together.
    return this.tx.run(() => this.users.rename(principal.userId, name));
  }
}
