import 'reflect-metadata';

import { loadSettings } from '../../config/settings';
import { openDatabase } from '../../database/database-connection';
import { TransactionHost } from '../../database/transaction-host';
import { loadDataCipher } from '../../secrets/data-key-file';
import { SigningKeysRepository } from '../signing-keys.repository';
import { keyRetentionMs, rotateStoredSigningKey } from '../signing-keys.service';

/**
 * `npm run keys:rotate`: generates a new signing key in the database and retires the others.
 * New tokens are signed with it as soon as each replica re-reads its keys (within a minute, or at
 * once when it meets a token of the new key); retired keys stay published and accepted until
 * every token they signed has expired. A retired key keeps only its public half (RS256, ES256), and
 * keys retired longer ago than the longest token lifetime are deleted. Configured keys are
 * rotated by configuration instead. Keys are stored encrypted with the data key, so it needs the
 * service's DATA_ENCRYPTION_KEY (or, in development, its DATA_DIR with the key file); on the
 * embedded database it takes DATA_DIR's lock, and so refuses to run while the service does.
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  const { algorithm, privateKey, secret } = settings.tokens;
  if ((algorithm === 'HS256' ? secret : privateKey) !== undefined) {
    throw new Error(
      algorithm === 'HS256'
        ? 'JWT_SECRET is configured: rotate it by changing the setting (HS256 keys are not stored in the database)'
        : 'JWT_PRIVATE_KEY is configured: set the new key there and move the old public key to JWT_PREVIOUS_PUBLIC_KEYS',
    );
  }
  const { cipher } = loadDataCipher(settings);
  const database = await openDatabase(settings.database);
  try {
    const tx = new TransactionHost(database.dataSource, settings.database);
    const { kid, retired, deleted } = await rotateStoredSigningKey(
      tx,
      new SigningKeysRepository(tx, cipher),
      algorithm,
      keyRetentionMs(settings.tokens),
    );
    process.stdout.write(`new ${algorithm} signing key: ${kid}\n`);
    process.stdout.write(retired.length ? `retired: ${retired.join(', ')}\n` : 'no key was live before\n');
    if (deleted.length) process.stdout.write(`deleted (retired before every token they signed expired): ${deleted.join(', ')}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
