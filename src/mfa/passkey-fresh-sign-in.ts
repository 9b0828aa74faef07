import { Injectable } from '@nestjs/common';

import type { Principal } from '../common/request/principal';
import { WebauthnSettings } from '../config/webauthn.settings';
import { SessionsService } from '../sessions/sessions.service';
import { FreshSignInRequiredError } from './passkeys.errors';

/**
 * Adding a passkey gives lasting passwordless access, and removing one may take a factor away:
 * both need a session opened at most WEBAUTHN_FRESH_SIGN_IN ago, so a stolen or forgotten
 * long-lived session (refreshed for weeks) cannot do either.
 */
@Injectable()
export class PasskeyFreshSignIn {
  constructor(
    private readonly settings: WebauthnSettings,
    private readonly sessions: SessionsService,
  ) {}

  async require(principal: Principal): Promise<void> {
    const openedAt = await this.sessions.openedAt(principal.sessionId);
    const ageSeconds = openedAt ? (Date.now() - openedAt.getTime()) / 1000 : Infinity;
    if (ageSeconds > this.settings.freshSignInSeconds) throw new FreshSignInRequiredError(this.settings.freshSignInSeconds);
  }
}
