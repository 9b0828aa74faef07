import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, registerUser } from '../support/factories';
import { authenticated, bearer, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';

const ERROR_SHAPE = { code: expect.any(String), message: expect.any(String), details: expect.anything() };
const raw = (body: string) => ({ body, type: 'application/json' });

describe('bodies built to break the service', () => {
  const t = useTestApp();
  const post = (path: string, { body, type }: { body: string; type: string }, token?: string) => {
    const request = t.api().post(path).set('Content-Type', type);
    if (token) request.set(bearer(token));
    return request.send(body);
  };

  it('answers a nested `constructor` key in a login body with 400, not 500, and ignores one beside the fields', async () => {
    const user = await registerUser(t.api);
    for (const body of [
      '{"username":{"constructor":{"a":1}},"password":"x"}',
      '{"username":{"constructor":{"prototype":{}}},"password":"x"}',
      '{"username":"a@b.example","password":{"constructor":{"name":"x"}}}',
      '{"__proto__":{"admin":true},"username":"a@b.example","password":"x"}',
      '{"username":[{"constructor":{}}],"password":"x"}',
    ]) {
      const response = await post('/api/v1/login', raw(body)).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_request' });
    }
    // Unknown fields are ignored, prototype-named ones too: the owner signs in.
    const body = JSON.stringify({ constructor: { a: { b: 1 } }, prototype: 1, username: user.email, password: user.password });
    await post('/api/v1/login', raw(body)).expect(200);
  });

  it('answers a NUL character in a name, or anywhere in a body, with 400', async () => {
    const team = await createTeam(t.api);
    const nul = 'Ada\u0000Lovelace';
    const requests = [
      t
        .api()
        .post('/api/v1/register')
        .send({ name: nul, username: `nul-${randomUUID()}@example.com`, password: 'long-password' }),
      authenticated(t.api, team.owner.token).patch('/api/v1/me', { name: nul }),
      authenticated(t.api, team.owner.token).post('/api/v1/organizations', { name: nul }),
      authenticated(t.api, team.owner.token).patch(`/api/v1/organizations/${team.organizationId}`, { name: nul }),
      authenticated(t.api, team.owner.token).post('/api/v1/roles', { key: 'nul', name: nul, permissions: ['org.read'] }),
      t.api().post('/api/v1/login').send({ username: 'a@b.example', password: 'pass\u0000word' }),
      authenticated(t.api, team.owner.token).post('/api/v1/invitations', {
        email: 'a@b.example',
        role_id: SYSTEM_ROLE_IDS.viewer,
        ['x\u0000']: 1,
      }),
    ];
    for (const response of await Promise.all(requests)) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_request' });
    }
    const me = await t.api().get('/api/v1/me').set(bearer(team.owner.token)).expect(200);
    expect(me.body.user.name).toBe(team.owner.name);
  });

  it('answers bodies nested deeper than any request of the API with 400', async () => {
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    await post('/api/v1/login', raw(deep)).expect(400);
    const deepArray = `{"username":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`;
    await post('/api/v1/login', raw(deepArray)).expect(400);
  });

  it('answers a request line or headers too large for the HTTP parser in the error shape, and lone surrogates with 400', async () => {
    const long = await t.api().get(`/api/v1/me?x=${'x'.repeat(20_000)}`);
    expect(long.status).toBe(431);
    expect(long.body).toEqual({ code: 'headers_too_large', message: expect.any(String), details: null });
    const surrogate = await post('/api/v1/login', raw('{"username":"a\\ud800b@example.com","password":"x"}')).expect(400);
    expect(surrogate.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_request' });
  });

  it('answers an audit cursor it did not make with 400, even a well-formed one whose id is no UUID', async () => {
    const team = await createTeam(t.api);
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      cursor(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]),
      cursor(['2026-01-01T00:00:00.000Z', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz']),
      cursor(['+275760-09-13T00:00:00.000Z', randomUUID()]),
      cursor([42, randomUUID()]),
      cursor({ at: 1 }),
      '%00',
    ]) {
      const response = await t.api().get(`/api/v1/audit-events?cursor=${bad}`).set(bearer(team.owner.token)).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_request' });
    }
    await t.api().get('/api/v1/audit-events').set(bearer(team.owner.token)).expect(200);
  });
});

describe('answers that carry a token', () => {
  const t = useTestApp();
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

  it('tell every cache not to keep them: login, refresh-token, switch-organization, invitations; errors included', async () => {
    const user = await registerUser(t.api);
    const login = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(200);
    expect(login.headers).toMatchObject(noStore);
    const refreshed = await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.body.refresh_token }).expect(200);
    expect(refreshed.headers).toMatchObject(noStore);
    const switched = await authenticated(t.api, refreshed.body.token)
      .post('/api/v1/me/switch-organization', {
        organization_id: refreshed.body.current_organization.id,
        refresh_token: refreshed.body.refresh_token,
      })
      .expect(200);
    expect(switched.headers).toMatchObject(noStore);
    const invited = await authenticated(t.api, switched.body.token)
      .post('/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(200);
    expect(invited.headers).toMatchObject(noStore);

    const refused = await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    expect(refused.headers).toMatchObject(noStore);
    const invalid = await t.api().post('/api/v1/refresh-token').send({}).expect(400);
    expect(invalid.headers).toMatchObject(noStore);

    // Answers without a token stay cacheable as before.
    const me = await t
      .api()
      .get('/api/v1/me')
      .set(bearer((await loginAs(t.api, user)).token))
      .expect(200);
    expect(me.headers['cache-control']).toBeUndefined();
    expect(me.headers.pragma).toBeUndefined();
  });
});
