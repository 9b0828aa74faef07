import { Injectable } from '@nestjs/common';

import { TransactionHost } from '../database/transaction-host';
import { TOTP_ENABLED } from './second-factor.read-model';
import { TotpFactor } from './totp-factor.entity';

@Injectable()
export class TotpFactorsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repository() {
    return this.tx.manager.getRepository(TotpFactor);
  }

  findByUser(userId: string): Promise<TotpFactor | null> {
    return this.repository.findOneBy({ userId });
  }

  /** The sealed secret of the user's confirmed factor (a sign-in's code check), or undefined. */
  async findConfirmedSecret(userId: string): Promise<string | undefined> {
    const [row] = await this.tx.prepared<{ secret: string }>(
      'mfa_totp_confirmed_secret',
      'SELECT secret FROM mfa_totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL',
      [userId],
    );
    return row?.secret;
  }

  /** True when the user has a confirmed factor (TOTP_ENABLED, the sign-in's read model, alone). */
  async isConfirmed(userId: string): Promise<boolean> {
    const [row] = await this.tx.prepared<Record<string, unknown>>(
      'mfa_totp_is_confirmed',
      `SELECT ${TOTP_ENABLED.select('$1::uuid')}`,
      [userId],
    );
    return TOTP_ENABLED.read(row);
  }

  /**
   * Stores a pending factor with this sealed secret, replacing an earlier pending one; false (and
   * nothing changed) when the user's factor is confirmed already. One statement: two enrolments
   * at once cannot both replace a confirmed factor.
   */
  async upsertPending(userId: string, sealedSecret: string): Promise<boolean> {
    const rows = await this.tx.manager.query<{ user_id: string }[]>(
      `INSERT INTO mfa_totp_factors (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_used_step = NULL, updated_at = now()
         WHERE mfa_totp_factors.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, sealedSecret],
    );
    return rows.length > 0;
  }

  /** Confirms the pending factor, its first code's step used; false when there was none pending. */
  async confirm(userId: string, step: number): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ confirmedAt: () => 'now()', lastUsedStep: step })
      .where('user_id = :userId AND confirmed_at IS NULL', { userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records that a code of `step` was accepted, unless a code of this step or a later one was
   * already: the one statement that makes each code work once, even for two uses at the same moment.
   */
  async useStep(userId: string, step: number): Promise<boolean> {
    const rows = await this.tx.prepared<{ one: number }>(
      'mfa_totp_use_step',
      `UPDATE mfa_totp_factors SET last_used_step = $2, updated_at = now()
        WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
        RETURNING 1 AS one`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Removes the user's factor, pending or confirmed; true when a confirmed one was removed. */
  async delete(userId: string): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .delete()
      .from(TotpFactor)
      .where('user_id = :userId', { userId })
      .returning('confirmed_at')
      .execute();
    return (result.raw as { confirmed_at: Date | null }[]).some((row) => row.confirmed_at !== null);
  }
}
