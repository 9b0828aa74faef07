import { Injectable } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { DataCipher } from '../secrets/data-cipher';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { matchTotpStep, newTotpSecret } from './totp';
import { TotpFactorsRepository } from './totp-factors.repository';

/** What the service holds about a user's TOTP factor, without the secret or a hash. */
export interface TotpStatus {
  enabled: boolean;
  confirmedAt: Date | null;
  recoveryCodesLeft: number;
}

/**
 * The TOTP factor and the recovery codes of a user: the secret sealed at rest, each code accepted
 * once, each recovery code used once. Writes join the caller's transaction.
 */
@Injectable()
export class TotpFactors {
  constructor(
    private readonly factors: TotpFactorsRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    private readonly cipher: DataCipher,
    private readonly audit: AuditService,
  ) {}

  isEnabled(userId: string): Promise<boolean> {
    return this.factors.isConfirmed(userId);
  }

  async status(userId: string): Promise<TotpStatus | null> {
    const factor = await this.factors.findByUser(userId);
    if (!factor) return null;
    const enabled = factor.confirmedAt !== null;
    return {
      enabled,
      confirmedAt: factor.confirmedAt,
      recoveryCodesLeft: enabled ? await this.recoveryCodes.countUnused(userId) : 0,
    };
  }

  /** A new pending secret (replacing an earlier pending one), or null when TOTP is on already. */
  async startEnrolment(userId: string): Promise<string | null> {
    const secret = newTotpSecret();
    return (await this.factors.upsertPending(userId, this.cipher.seal(secret, sealContext(userId)))) ? secret : null;
  }

  /**
   * Confirms the pending factor with a code of its secret: 'confirmed', 'wrong_code', or
   * 'not_pending' when there is no pending factor (none, or confirmed meanwhile).
   */
  async confirm(userId: string, code: string): Promise<'confirmed' | 'wrong_code' | 'not_pending'> {
    const factor = await this.factors.findByUser(userId);
    if (!factor || factor.confirmedAt) return 'not_pending';
    const step = matchTotpStep(this.cipher.open(factor.secret, sealContext(userId)), code);
    if (step === null) return 'wrong_code';
    return (await this.factors.confirm(userId, step)) ? 'confirmed' : 'not_pending';
  }

  /** True when the code is the confirmed factor's for now (±1 step) and no code of its step or later was used. */
  async verifyCode(userId: string, code: string): Promise<boolean> {
    const sealed = await this.factors.findConfirmedSecret(userId);
    if (sealed === undefined) return false;
    const step = matchTotpStep(this.cipher.open(sealed, sealContext(userId)), code);
    return step !== null && (await this.factors.useStep(userId, step));
  }

  /** True when the recovery code was one of the user's unused ones; it is used up (and audited). */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    if (!(await this.factors.isConfirmed(userId))) return false;
    if (!(await this.recoveryCodes.use(userId, recoveryCodeHash(userId, code)))) return false;
    await this.audit.record({
      type: 'mfa.recovery_code_used',
      actorUserId: userId,
      targetId: userId,
      details: { recovery_codes_left: await this.recoveryCodes.countUnused(userId) },
    });
    return true;
  }

  /** A new set of recovery codes, replacing every earlier one; the codes are shown once and kept as hashes. */
  async issueRecoveryCodes(userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.recoveryCodes.replaceAll(
      userId,
      codes.map((code) => recoveryCodeHash(userId, code)),
    );
    return codes;
  }

  /** Removes the factor and its recovery codes; true when TOTP was on. */
  async remove(userId: string): Promise<boolean> {
    await this.recoveryCodes.deleteAllOfUser(userId);
    return this.factors.delete(userId);
  }
}

/** The row a sealed secret belongs to: a secret copied into another user's row does not open. */
const sealContext = (userId: string) => `mfa_totp_factors ${userId}`;
