import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { envExample } from './env-example';
import { Setting } from './setting';
import { SETTINGS_TABLES } from './settings';

const ROOT = join(__dirname, '..', '..');
const variables = SETTINGS_TABLES.flatMap(({ table }) => Object.values<Setting<unknown>>(table).map((setting) => setting.env));

describe('the settings a user can read about', () => {
  it('.env.example lists every setting with its default (run `npm run env:example` after a change)', () => {
    expect(readFileSync(join(ROOT, '.env.example'), 'utf8')).toBe(envExample());
  });

  it('docs/configuration.md explains every setting', () => {
    const reference = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    expect(variables.filter((name) => !reference.includes(`\`${name}\``))).toEqual([]);
  });

  it('names each variable once', () => {
    expect(new Set(variables).size).toBe(variables.length);
  });
});
