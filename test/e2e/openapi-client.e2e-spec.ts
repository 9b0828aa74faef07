import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { newCredentials } from '../support/factories';
import type { paths } from '../support/generated/api';
import { generateTypes, GENERATED_TYPES_PATH } from '../support/openapi-types';
import { createTestApp, TestApp } from '../support/test-app';

describe('a client generated from /api/openapi.json', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the committed types (run `npm run openapi:generate` after an API change)', async () => {
    const document = (await t.api().get('/api/openapi.json').expect(200)).body;
    expect(await generateTypes(document)).toBe(readFileSync(GENERATED_TYPES_PATH, 'utf8'));
  });

  it('walks a team through with openapi-fetch: register, login, invite, accept, list members, change a role', async () => {
    const client = createClient<paths>({ baseUrl: t.url });
    const owner = newCredentials();
    const registered = await client.POST('/api/v1/register', {
      body: { name: owner.name, username: owner.email, password: owner.password },
    });
    expect(registered.response.status).toBe(200);
    expect(registered.data?.user.role).toBe('admin');

    const login = await client.POST('/api/v1/login', { body: { username: owner.email, password: owner.password } });
    expect(login.response.status).toBe(200);
    const headers = { Authorization: `Bearer ${login.data?.token ?? ''}` };

    const invitee = newCredentials();
    const invited = await client.POST('/api/v1/invitations', {
      headers,
      body: { email: invitee.email, role_id: SYSTEM_ROLE_IDS.viewer, expires_in_hours: 24 },
    });
    expect(invited.response.status).toBe(200);
    expect(invited.data?.invitation.role.key).toBe('viewer');

    const accepted = await client.POST('/api/v1/invitations/accept', {
      body: { token: invited.data?.accept_token ?? '', name: invitee.name, password: invitee.password },
    });
    expect(accepted.response.status).toBe(200);
    expect(accepted.data?.accepted).toBe(true);
    const memberId = accepted.data?.member.id ?? '';

    const listed = await client.GET('/api/v1/members', { headers });
    expect(listed.data?.members.map((member) => member.user.email)).toEqual([owner.email, invitee.email]);

    const changed = await client.PATCH('/api/v1/members/{id}', {
      headers,
      params: { path: { id: memberId } },
      body: { role_id: SYSTEM_ROLE_IDS.developer },
    });
    expect(changed.response.status).toBe(200);
    expect(changed.data?.member.role.key).toBe('developer');

    const refused = await client.DELETE('/api/v1/members/{id}', { params: { path: { id: memberId } } });
    expect(refused.response.status).toBe(401);
    expect(refused.error?.code).toBe('unauthorized');
  });
});
