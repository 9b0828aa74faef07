import { ReadModel } from '../database/read-model';

/**
 * Whether the user has TOTP on (a confirmed factor): what turns a right password into 401
 * mfa_required. Computed in the sign-in's credential read, so a password sign-in stays one read
 * before its write.
 */
export const TOTP_ENABLED: ReadModel<boolean> = {
  column: 'totp_enabled',
  select: (userId) =>
    `EXISTS (SELECT 1 FROM mfa_totp_factors f WHERE f.user_id = ${userId} AND f.confirmed_at IS NOT NULL) AS totp_enabled`,
  read: (row) => row.totp_enabled === true,
};
