import 'reflect-metadata';

import { writeFileSync } from 'node:fs';

import { createApplication } from '../src/bootstrap';
import { buildOpenApiDocument } from '../src/common/http/openapi';
import { createLogger } from '../src/common/logging/logger';
import { loadSettings } from '../src/config/settings';
import { GENERATED_TYPES_PATH, generateTypes } from '../test/support/openapi-types';

/**
 * `npm run openapi:generate`: builds the OpenAPI document of the service (booted on an in-memory
 * embedded database) and writes the openapi-typescript types the generated-client test uses.
 */
async function main(): Promise<void> {
  const settings = loadSettings({ NODE_ENV: 'test', DATA_DIR: '', LOG_LEVEL: 'silent', BCRYPT_COST: '4' });
  const running = await createApplication(settings, createLogger(settings.server.logLevel));
  try {
    writeFileSync(GENERATED_TYPES_PATH, await generateTypes(buildOpenApiDocument(running.app)));
    process.stdout.write(`wrote ${GENERATED_TYPES_PATH}\n`);
  } finally {
    await running.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
