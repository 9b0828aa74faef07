import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

import { AuditService } from '../audit/audit.service';
import { isUuid } from '../common/crypto';
import type { Principal } from '../common/request/principal';
import { TransactionHost } from '../database/transaction-host';
import { EventsService } from '../events/events.service';
import { UsersService } from '../users/users.service';
import { toPasskeyResponse } from './dto/passkey.response';
import type { Passkey } from './passkey.entity';
import { PasskeyFreshSignIn } from './passkey-fresh-sign-in';
import { PasskeyLimitError, PasskeyNotFoundError, PasskeyRegisteredAlreadyError, PasskeyRejectedError } from './passkeys.errors';
import { PasskeysRepository } from './passkeys.repository';
import { WebauthnChallenges } from './webauthn-challenges.service';
import { WebauthnRelyingParty } from './webauthn-relying-party';

/** Enough for every device a person owns; a bound keeps the list and excludeCredentials small. */
export const MAX_PASSKEYS_PER_USER = 20;

/** The caller's own passkeys: registration (options, then the browser's answer), the list, deletion. */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: WebauthnChallenges,
    private readonly relyingParty: WebauthnRelyingParty,
    private readonly freshSignIn: PasskeyFreshSignIn,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /** Creation options for the caller; their challenge is kept 5 minutes for POST /me/passkeys. */
  async registrationOptions(principal: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
    await this.freshSignIn.require(principal);
    const user = await this.users.findById(principal.userId);
    if (!user) throw new PasskeyNotFoundError();
    const existing = await this.passkeys.findByUser(principal.userId);
    if (existing.length >= MAX_PASSKEYS_PER_USER) throw new PasskeyLimitError(MAX_PASSKEYS_PER_USER);
    const options = await this.relyingParty.registrationOptions(user, existing);
    await this.challenges.remember(principal.userId, options.challenge);
    return options;
  }

  /**
   * Verifies the browser's answer against a live challenge of the caller's (used up here, so an
   * answer registers once) and stores the passkey, audited and announced in one transaction.
   */
  async register(principal: Principal, credential: RegistrationResponseJSON, name: string | undefined): Promise<Passkey> {
    await this.freshSignIn.require(principal);
    const expected = await this.challenges.consume(this.relyingParty.challengeOf(credential), 'registration', principal.userId);
    if (expected === null) {
      throw new PasskeyRejectedError('No live registration challenge of yours: ask POST /me/passkeys/options again');
    }
    const registered = await this.relyingParty.verifyRegistration(credential, expected);
    return this.tx.run(async () => {
      const count = await this.passkeys.countByUser(principal.userId);
      if (count >= MAX_PASSKEYS_PER_USER) throw new PasskeyLimitError(MAX_PASSKEYS_PER_USER);
      const passkey = await this.passkeys.insertUnlessRegistered({
        ...registered,
        userId: principal.userId,
        name: name ?? `Passkey ${count + 1}`,
      });
      if (!passkey) throw new PasskeyRegisteredAlreadyError();
      await this.audit.record({
        type: 'passkey.added',
        actorUserId: principal.userId,
        organizationId: principal.organizationId,
        targetId: passkey.id,
        details: { name: passkey.name, device_type: passkey.deviceType, backed_up: passkey.backedUp },
      });
      await this.events.emit('identity.user.passkey_added', principal.userId, {
        user_id: principal.userId,
        passkey: toPasskeyResponse(passkey),
      });
      return passkey;
    });
  }

  list(userId: string): Promise<Passkey[]> {
    return this.passkeys.findByUser(userId);
  }

  /** Another user's passkey, an unknown id and a malformed one are the same 404. */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.freshSignIn.require(principal);
    if (!isUuid(id)) throw new PasskeyNotFoundError();
    await this.tx.run(async () => {
      const deleted = await this.passkeys.deleteOfUser(id, principal.userId);
      if (!deleted) throw new PasskeyNotFoundError();
      await this.audit.record({
        type: 'passkey.removed',
        actorUserId: principal.userId,
        organizationId: principal.organizationId,
        targetId: id,
        details: { name: deleted.name },
      });
      await this.events.emit('identity.user.passkey_removed', principal.userId, { user_id: principal.userId, passkey_id: id });
    });
  }
}
