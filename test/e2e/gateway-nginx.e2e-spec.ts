import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { newCredentials } from '../support/factories';
import { NginxProcess, renderEnvTemplate } from '../support/nginx-process';
import { freePort } from '../support/service-process';
import { useTestApp } from '../support/test-app';

const TEMPLATE = join(__dirname, '..', '..', 'deploy', 'nginx', 'templates', 'identity-gateway.conf.template');

/** A service of the mesh behind the gateway: it answers with the path and the headers it got. */
const upstream = createServer((request, response) => {
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify({ path: request.url, headers: request.headers }));
});

/**
 * The real nginx with deploy/nginx's configuration, in front of the service (over its real HTTP
 * port) and of a test upstream: what a deployment following the README runs.
 */
describe('the nginx gateway of deploy/nginx', () => {
  let nginx: NginxProcess | undefined;
  let gateway = '';
  // The gateway is on loopback: the service believes X-Forwarded-For from it.
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback' } });

  beforeAll(async () => {
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const port = await freePort();
    const config = renderEnvTemplate(readFileSync(TEMPLATE, 'utf8'), {
      IDENTITY_UPSTREAM: new URL(t.url).host,
      APP_UPSTREAM: `127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
    });
    nginx = new NginxProcess(config);
    await nginx.start();
    gateway = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await nginx?.stop();
    upstream.close();
  });

  /** Signs up and in through the gateway. */
  async function signIn(headers: Record<string, string> = {}): Promise<{ token: string; email: string; userId: string }> {
    const credentials = newCredentials();
    const registered = await fetch(`${gateway}/api/v1/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: credentials.name, username: credentials.email, password: credentials.password }),
    });
    expect(registered.status).toBe(200);
    const login = await fetch(`${gateway}/api/v1/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ username: credentials.email, password: credentials.password }),
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { token: string; user: { id: string } };
    return { token: body.token, email: credentials.email, userId: body.user.id };
  }

  const app = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway}/app${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

  it('lets a valid token through to the upstream with the user’s identity headers', async () => {
    const { token, email, userId } = await signIn();
    const me = (await (await fetch(`${gateway}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      current_organization: { id: string };
    };
    const response = await app('/orders?page=2', token);
    expect(response.status).toBe(200);
    const seen = (await response.json()) as { path: string; headers: IncomingHttpHeaders };
    expect(seen.path).toBe('/orders?page=2');
    expect(seen.headers).toMatchObject({
      'x-user-id': userId,
      'x-user-email': email,
      'x-organization-id': me.current_organization.id,
      'x-organization-role': 'owner',
    });
    expect(seen.headers['x-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(seen.headers['x-permissions']).split(',')).toContain('members.read');
  });

  it('answers 401 with the challenge for a request without a token, and the upstream never sees it', async () => {
    const response = await app('/orders');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.text()).not.toContain('"path"');
  });

  it('refuses a logged-out token at once', async () => {
    const { token } = await signIn();
    expect((await app('/orders', token)).status).toBe(200);
    const logout = await fetch(`${gateway}/api/v1/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(200);
    expect((await app('/orders', token)).status).toBe(401);
  });

  it('never passes on identity headers a client made up', async () => {
    const { token, userId } = await signIn();
    const forged = {
      'X-User-Id': '00000000-0000-4000-8000-000000000000',
      'X-Organization-Role': 'superuser',
      'X-Permissions': 'everything.everywhere',
    };
    const seen = (await (await app('/orders', token, forged)).json()) as { headers: IncomingHttpHeaders };
    expect(seen.headers['x-user-id']).toBe(userId);
    expect(seen.headers['x-organization-role']).toBe('owner');
    expect(seen.headers['x-permissions']).not.toContain('everything.everywhere');
  });

  it('sets X-Forwarded-For, which the service believes from the gateway (TRUST_PROXY)', async () => {
    const { token } = await signIn({ 'X-Forwarded-For': '198.51.100.7' });
    const sessions = (await (
      await fetch(`${gateway}/api/v1/me/sessions`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { sessions: { ip: string }[] };
    expect(sessions.sessions[0].ip).toBe('198.51.100.7');
  });
});
