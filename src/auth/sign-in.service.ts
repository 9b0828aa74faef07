import { Injectable } from '@nestjs/common';

import type { ClientInfo } from '../common/request/principal';
import { MfaLoginService } from '../mfa/mfa-login.service';
import { IssuedSession, SessionsService } from '../sessions/sessions.service';
import type { SignInAccount } from './credentials.service';

/** What the right password earns: the session, or, for an account with a second factor, 401 mfa_required. */
@Injectable()
export class SignInService {
  constructor(
    private readonly mfa: MfaLoginService,
    private readonly sessions: SessionsService,
  ) {}

  async signIn(account: SignInAccount, client: ClientInfo): Promise<IssuedSession> {
    await this.mfa.requireSecondFactor(account.user, account.totpEnabled);
    return this.sessions.open(account, client);
  }
}
