import { Injectable } from '@nestjs/common';

import type { ClientInfo } from '../common/request/principal';
import { MfaLoginService } from '../mfa/mfa-login.service';
import type { ProfileView } from '../organizations/organization-scopes.read-model';
import { IssuedSession, SessionsService } from '../sessions/sessions.service';

/** What the right password earns: the session, or, for an account with a second factor, 401 mfa_required. */
@Injectable()
export class SignInService {
  constructor(
    private readonly mfa: MfaLoginService,
    private readonly sessions: SessionsService,
  ) {}

  async signIn(account: ProfileView, client: ClientInfo): Promise<IssuedSession> {
    await this.mfa.requireSecondFactor(account.user);
    return this.sessions.open(account, client);
  }
}
