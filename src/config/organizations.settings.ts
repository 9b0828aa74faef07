import { integerIn, setting, SettingsTable } from './setting';

/** Organizations and their seats. */
export class OrganizationSettings {
  /** Members an organization may have (pending invitations count); undefined: unlimited. */
  declare readonly maxMembers: number | undefined;
}

export const ORGANIZATION_SETTINGS: SettingsTable<OrganizationSettings> = {
  maxMembers: setting.optional({
    env: 'ORG_MAX_MEMBERS',
    doc: 'Seat limit per organization (members and pending invitations). Unset: unlimited',
    parse: (value) => integerIn(value, { min: 1, max: 1_000_000 }),
  }),
};
