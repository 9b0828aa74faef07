import { setting, SettingsTable } from './setting';

/** Password hashing. */
export class PasswordSettings {
  declare readonly bcryptCost: number;
  /** Hashes that may wait for a free core; past it, a request is refused at once (503). */
  declare readonly hashQueueLimit: number;
}

export const PASSWORD_SETTINGS: SettingsTable<PasswordSettings> = {
  bcryptCost: setting.integer(
    'BCRYPT_COST',
    12,
    'bcrypt cost of new hashes; weaker stored hashes are upgraded at the next successful login',
    { min: 4, max: 15 },
  ),
  hashQueueLimit: setting.integer(
    'PASSWORD_HASH_QUEUE',
    64,
    'Password hashes that may wait for a core; when full, login, register and password changes answer 503 at once',
    { min: 0, max: 100_000 },
  ),
};
