import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/** The server the tests use, when one is configured; otherwise each test file gets an embedded database. */
export function serverUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(server: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export const TEMPLATE_ENV = 'IDENTITY_TEST_TEMPLATE_DB';

/** Names the migrated embedded data directory that e2e apps start from when there is no test server. */
export const EMBEDDED_TEMPLATE_ENV = 'IDENTITY_TEST_EMBEDDED_TEMPLATE';
