import { setting, SettingsTable } from './setting';

/** Password hashing. */
export class PasswordSettings {
  declare readonly bcryptCost: number;
}

export const PASSWORD_SETTINGS: SettingsTable<PasswordSettings> = {
  bcryptCost: setting.integer(
    'BCRYPT_COST',
    12,
    'bcrypt cost of new hashes; weaker stored hashes are upgraded at the next successful login',
    { min: 4, max: 15 },
  ),
};
