import { Rate, rateList } from './rate-limit.settings';
import { integerIn, setting, SettingsTable } from './setting';

/** Organizations, their seats and their invitations. */
export class OrganizationSettings {
  /** Members an organization may have (pending invitations count); undefined: unlimited. */
  declare readonly maxMembers: number | undefined;
  /**
   * true (Togul compatibility): POST /invitations answers the accept token, and an account created
   * by accepting starts unverified. false: the token travels only in the invitation email, and
   * such an account starts verified (the token proved the mailbox).
   */
  declare readonly invitationTokenInResponse: boolean;
  /** Invitation emails per recipient and organization. */
  declare readonly invitationEmailLimits: Rate[];
}

export const ORGANIZATION_SETTINGS: SettingsTable<OrganizationSettings> = {
  maxMembers: setting.optional({
    env: 'ORG_MAX_MEMBERS',
    doc: 'Seat limit per organization (members and pending invitations). Unset: unlimited',
    parse: (value) => integerIn(value, { min: 1, max: 1_000_000 }),
  }),
  invitationTokenInResponse: setting.boolean(
    'INVITATION_TOKEN_IN_RESPONSE',
    true,
    'true: POST /invitations answers accept_token, and an account created by accepting starts unverified; false: the token goes only by email, and such an account starts verified',
  ),
  invitationEmailLimits: rateList(
    'INVITATION_EMAIL_LIMIT',
    '3/1d',
    'Invitation emails per recipient and organization (count per duration; several comma-separated); beyond: 429',
  ),
};
