import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { LOCK_FILE } from '../../src/database/data-dir-lock';
import { loginAs, registerUser } from '../support/factories';
import { osUser } from '../support/os-process';
import { freePort, killServices, startService, waitForHttp } from '../support/service-process';
import { createTestApp, TEST_DATA_ENCRYPTION_KEY, TestApp } from '../support/test-app';

/** Connects to a Unix socket as another OS user, as any local process could try; answers "connected" or the error code. */
function connectAs(user: string, socket: string): string {
  const script = `require('net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`;
  return spawnSync(process.execPath, ['-e', script], { ...osUser(user), encoding: 'utf8', timeout: 10_000 }).stdout.trim();
}

const socketOf = (t: TestApp) => {
  const url = new URL((t.dataSource.options as { url: string }).url);
  return join(url.searchParams.get('host') as string, '.s.PGSQL.5432');
};

describe('the embedded database', () => {
  let dataDir: string;
  let app: TestApp | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'identity-embedded-'));
    // As a developer's ./data often is: anybody may look inside.
    chmodSync(dataDir, 0o755);
  });
  afterEach(async () => {
    killServices();
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served on a Unix socket in DATA_DIR that only its OS user may use: another local user is refused', async () => {
    app = await createTestApp({ embedded: true, env: { DATA_DIR: dataDir } });
    const socket = socketOf(app);
    expect(socket).toBe(join(dataDir, '.s.PGSQL.5432'));
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
    expect(connectAs('nobody', socket)).toBe('EACCES');

    // Its owner still reaches it, as `psql -h DATA_DIR` does.
    const client = new Client({ host: dataDir, user: 'postgres', database: 'postgres' });
    await client.connect();
    expect((await client.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await client.end();
  });

  it('refuses a second process on the same DATA_DIR with a clear message, while the first serves on and loses nothing', async () => {
    app = await createTestApp({ embedded: true, env: { DATA_DIR: dataDir } });
    const before = await registerUser(app.api);

    const second = startService({ DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by process ${process.pid}`);
    expect(second.output()).toContain('One process at a time per DATA_DIR');

    const after = await registerUser(app.api);
    await app.close();
    app = await createTestApp({ embedded: true, env: { DATA_DIR: dataDir } });
    for (const user of [before, after]) await loginAs(app.api, user);
  });

  it('takes over the DATA_DIR of a process that crashed, and its data is still there', async () => {
    const port = await freePort();
    const crashed = startService({
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      BCRYPT_COST: '4',
      DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
    });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, crashed);
    const credentials = { name: 'Crash', username: 'crash@example.com', password: 'crash-password' };
    const registered = await fetch(`http://127.0.0.1:${port}/api/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(registered.status).toBe(200);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: crashed.child.pid });

    app = await createTestApp({ embedded: true, env: { DATA_DIR: dataDir } });
    await loginAs(app.api, { email: credentials.username, password: credentials.password });
    await app.close();
    app = undefined;
    // Given back at a clean stop.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
