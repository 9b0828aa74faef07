import { readFileSync } from 'node:fs';

import createClient from 'openapi-fetch';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { newCredentials } from '../support/factories';
import type { paths } from '../support/generated/api';
import { GENERATED_TYPES_PATH, generateTypes } from '../support/openapi-types';
import { useTestApp } from '../support/test-app';

describe('a client generated from /api/openapi.json', () => {
  const t = useTestApp();

  it('matches the committed types (run `npm run openapi:generate` after an API change)', async () => {
    const document = (await t.api().get('/api/openapi.json').expect(200)).body;
    expect(await generateTypes(document)).toBe(readFileSync(GENERATED_TYPES_PATH, 'utf8'));
  });

  it('documents every organization, member, role and invitation endpoint: schemas, bearer auth, each error status', async () => {
    const doc = (await t.api().get('/api/openapi.json').expect(200)).body;
    const body = [400, 413, 415];
    const endpoints: [string, string, string, number[]][] = [
      ['/api/v1/organizations/{id}', 'get', 'OrganizationEnvelope', [401, 403, 404]],
      ['/api/v1/organizations/{id}', 'patch', 'OrganizationEnvelope', [...body, 401, 403, 404, 409]],
      ['/api/v1/organizations/{id}', 'delete', 'DeletedResponse', [401, 403, 404, 409]],
      ['/api/v1/members', 'get', 'MemberList', [401, 403]],
      ['/api/v1/members/{id}', 'patch', 'MemberEnvelope', [...body, 401, 403, 404, 409]],
      ['/api/v1/members/{id}', 'delete', 'DeletedResponse', [401, 403, 404, 409]],
      ['/api/v1/roles', 'get', 'RoleList', [401, 403]],
      ['/api/v1/roles', 'post', 'RoleEnvelope', [...body, 401, 403, 409]],
      ['/api/v1/roles/{id}', 'patch', 'RoleEnvelope', [...body, 401, 403, 404, 409]],
      ['/api/v1/roles/{id}', 'delete', 'DeletedResponse', [401, 403, 404, 409]],
      ['/api/v1/permissions', 'get', 'PermissionList', [401]],
      ['/api/v1/invitations', 'post', 'CreatedInvitationResponse', [...body, 401, 403, 409, 429]],
      ['/api/v1/invitations', 'get', 'InvitationList', [401, 403]],
      ['/api/v1/invitations/{id}', 'delete', 'DeletedResponse', [401, 403, 404]],
      ['/api/v1/invitations/accept', 'post', 'AcceptedInvitationResponse', [...body, 401, 403, 409, 429]],
    ];
    for (const [path, method, schema, errors] of endpoints) {
      const operation = doc.paths[path][method];
      expect(operation.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(Object.keys(operation.responses).sort()).toEqual(['200', ...errors.map(String)].sort());
      for (const status of errors) {
        expect(operation.responses[String(status)].content['application/json'].schema.$ref).toBe(
          '#/components/schemas/ErrorResponseDto',
        );
      }
      // Anonymous for a new account, the invited account's own token for an existing one.
      if (path === '/api/v1/invitations/accept') expect(operation.security).toEqual([{}, { bearer: [] }]);
      else expect(operation.security).toEqual([{ bearer: [] }]);
    }
    const schemas = doc.components.schemas;
    expect(schemas.MemberUserResponse.properties.email_verified_at.nullable).toBe(true);
    expect(schemas.InvitationResponse.properties.accepted_at.nullable).toBe(true);
    expect(schemas.InvitationResponse.properties.invited_by.nullable).toBe(true);
    expect(schemas.RoleResponse.properties.permissions.items.enum).toHaveLength(30);
    expect(schemas.CreateInvitationDto.required).toEqual(['email', 'role_id']);
    expect(schemas.AcceptInvitationDto.required).toEqual(['token']);
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
