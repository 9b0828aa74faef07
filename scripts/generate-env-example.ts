import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { envExample } from '../src/config/env-example';

/** `npm run env:example`: rewrites .env.example from the settings' parser tables. */
writeFileSync(join(__dirname, '..', '.env.example'), envExample());
process.stdout.write('wrote .env.example\n');
