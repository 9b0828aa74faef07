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

  it('on SIGTERM turns /readyz 503 first, still answers for SHUTDOWN_DELAY_MS, finishes the request in flight, then exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'identity-data-'));
    try {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      // A slow registration (bcrypt cost 13) is still running when the delay ends.
      const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BCRYPT_COST: '13', SHUTDOWN_DELAY_MS: '1000' };
      const service = startService(env);
      await waitForHttp(`${base}/readyz`, service, FIRST_START_MS);

      service.child.kill('SIGTERM');
      const inFlight = fetch(`${base}/api/v1/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Draining', username: 'draining@example.com', password: 'draining-password' }),
      });
      let ready = await fetch(`${base}/readyz`);
      for (let i = 0; i < 20 && ready.status === 200; i++) ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'error', db: 'connected', shutting_down: true });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      expect((await inFlight).status).toBe(200);
      expect(await service.exited).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
