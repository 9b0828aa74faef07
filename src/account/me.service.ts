import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import type { OrganizationScope, ProfileView } from '../organizations/organization-scopes.read-model';
import { ReadOnlyUserError } from '../organizations/organizations.errors';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

export interface Profile extends ProfileView {
  currentOrganization: OrganizationScope | null;
}

/** The caller's own account: GET and PATCH /me. */
@Injectable()
export class MeService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
  ) {}

  /** The current organization is the access token's, while the caller is still a member of it. */
  profileOf(principal: Principal, { user, organizations }: ProfileView): Profile {
    const current = organizations.find((organization) => organization.id === principal.organizationId) ?? null;
    return { user, currentOrganization: current, organizations };
  }

  async rename(principal: Principal, name: string): Promise<User> {
    if (principal.systemRole === 'read_only') throw new ReadOnlyUserError();
    // The new name and its identity.user.updated event, together.
    return this.tx.run(() => this.users.rename(principal.userId, name));
  }
}
