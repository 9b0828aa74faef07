import { serverUrl, TEMPLATE_ENV, withAdminClient } from './database';

export default async function globalTeardown(): Promise<void> {
  const server = serverUrl();
  const template = process.env[TEMPLATE_ENV];
  if (!server || !template) return;
  await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
