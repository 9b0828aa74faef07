import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeProtectedHeader } from 'jose';

import { freePort, killServices, startService, waitForHttp } from '../support/service-process';

const FIRST_START_MS = 120_000;

describe('the service as a process (npm start)', () => {
  afterEach(killServices);

  it('exits with status 1 and lists every bad variable in one message', async () => {
    const service = startService({ PORT: 'eighty', BCRYPT_COST: '99', JWT_ALGORITHM: 'none' });
    expect(await service.exited).toBe(1);
    const output = service.output();
    expect(output).toContain('Invalid configuration');
    for (const name of ['PORT', 'BCRYPT_COST', 'JWT_ALGORITHM']) expect(output).toContain(name);
  });

  it('refuses to boot in production without a signing key, saying which one', async () => {
    const service = startService({ NODE_ENV: 'production' });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('JWT_PRIVATE_KEY');
  });

  it('serves register and login on the embedded database, stops on SIGTERM and keeps users and signing key across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'identity-data-'));
    try {
      const port = await freePort();
      const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BCRYPT_COST: '4' };
      const base = `http://127.0.0.1:${port}`;
      const post = (path: string, body: object) =>
        fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const credentials = { username: 'restart@example.com', password: 'restart-password' };

      // The first start creates the database (initdb, in a child process of its own): tens of
      // seconds on a busy machine.
      const first = startService(env);
      await waitForHttp(`${base}/healthz`, first, FIRST_START_MS);
      expect((await post('/api/v1/register', { name: 'Restart', ...credentials })).status).toBe(200);
      const before = (await (await post('/api/v1/login', credentials)).json()) as { token: string };
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = startService(env);
      await waitForHttp(`${base}/healthz`, second);
      const afterResponse = await post('/api/v1/login', credentials);
      expect(afterResponse.status).toBe(200);
      const after = (await afterResponse.json()) as { token: string };
      expect(decodeProtectedHeader(after.token).kid).toBe(decodeProtectedHeader(before.token).kid);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('"msg":"shutting down"');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
