import { rmSync } from 'node:fs';

import { EMBEDDED_TEMPLATE_ENV, serverUrl, TEMPLATE_ENV, withAdminClient } from './database';

export default async function globalTeardown(): Promise<void> {
  const embedded = process.env[EMBEDDED_TEMPLATE_ENV];
  if (embedded) rmSync(embedded, { recursive: true, force: true });
  const server = serverUrl();
  const template = process.env[TEMPLATE_ENV];
  if (!server || !template) return;
  await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
