import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, registerUser } from '../support/factories';
import { addTeammate, authenticated, bearer, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';
import { claimsOf, kidOf, signClaims, storedPrivateKey } from '../support/tokens';

const AUDIENCE = 'https://api.example.com';
const CLIENT_SECRET = `s3cret-${randomUUID()}`;
const CHALLENGE = 'Bearer error="invalid_token"';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('gateway verification, introspection and the audience', () => {
  const t = useTestApp({
    env: {
      JWT_AUDIENCE: AUDIENCE,
      INTROSPECTION_CLIENTS: `gateway:${CLIENT_SECRET},billing:${CLIENT_SECRET}-billing`,
      PUBLIC_URL: 'https://id.example.com',
    },
  });

  const verify = (token: string | undefined, query = '') => {
    const request = t.api().get(`/api/v1/auth/verify${query}`);
    return token === undefined ? request : request.set(bearer(token));
  };
  const introspect = (body: Record<string, string>, authorization = basic('gateway', CLIENT_SECRET)) =>
    t.api().post('/api/v1/oauth/introspect').set('Authorization', authorization).type('form').send(body);

  describe('GET /api/v1/auth/verify', () => {
    it('answers 200 with an empty body and the caller’s identity in headers', async () => {
      const team = await createTeam(t.api);
      const sessionId = (await authenticated(t.api, team.owner.token).get('/api/v1/me/sessions').expect(200)).body.sessions[0].id;
      const response = await verify(team.owner.token).expect(200);
      expect(response.text).toBe('');
      expect(response.headers).toMatchObject({
        'x-user-id': team.owner.id,
        'x-user-email': team.owner.email,
        'x-session-id': sessionId,
        'x-organization-id': team.organizationId,
        'x-organization-role': 'owner',
      });
      expect(response.headers['x-permissions'].split(',')).toEqual(claimsOf(team.owner.token).permissions);
    });

    it('takes role and permissions from the live membership, not the token', async () => {
      const team = await createTeam(t.api);
      const admin = await addTeammate(t.api, team.owner.token, 'admin');
      await authenticated(t.api, team.owner.token)
        .patch(`/api/v1/members/${admin.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer })
        .expect(200);
      const demoted = await verify(admin.token).expect(200);
      expect(claimsOf(admin.token).org_role).toBe('admin');
      expect(demoted.headers['x-organization-role']).toBe('viewer');
      expect(demoted.headers['x-permissions']).toBe('org.read,projects.read,environments.read,flags.read');

      await authenticated(t.api, team.owner.token).delete(`/api/v1/members/${admin.memberId}`).expect(200);
      const removed = await verify(admin.token).expect(200);
      expect(removed.headers).toMatchObject({ 'x-user-id': admin.id, 'x-organization-id': '', 'x-organization-role': '' });
      expect(removed.headers['x-permissions']).toBe('');
      await verify(admin.token, '?permission=org.read').expect(403);
    });

    it('answers 403 when the live role lacks a permission asked for, 200 when it holds them all', async () => {
      const team = await createTeam(t.api);
      const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
      await verify(viewer.token, '?permission=flags.read&permission=org.read').expect(200);
      const refused = await verify(viewer.token, '?permission=flags.read&permission=members.read').expect(403);
      expect(refused.body).toEqual({ code: 'forbidden', message: expect.any(String), details: { permission: 'members.read' } });
      await verify(team.owner.token, '?permission=members.read').expect(200);
    });

    it('answers 401 with WWW-Authenticate for no token, a refresh token and a logged-out token', async () => {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      for (const token of [undefined, session.refresh_token, 'not.a.token']) {
        const response = await verify(token).expect(401);
        expect(response.headers['www-authenticate']).toBe(CHALLENGE);
        expect(response.body.code).toBe('unauthorized');
      }
      await verify(session.token).expect(200);
      await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);
      expect((await verify(session.token).expect(401)).headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('answers the same under any path and method, as Envoy’s ext_authz asks', async () => {
      const team = await createTeam(t.api);
      const response = await t.api().post('/api/v1/auth/verify/orders/42?x=1').set(bearer(team.owner.token)).expect(200);
      expect(response.headers['x-user-id']).toBe(team.owner.id);
      await t.api().delete('/api/v1/auth/verify/orders/42').expect(401);
    });

    it('is described in OpenAPI with its headers', async () => {
      const document = (await t.api().get('/api/openapi.json').expect(200)).body;
      const operation = document.paths['/api/v1/auth/verify'].get;
      expect(operation.operationId).toBe('verifyRequest');
      expect(Object.keys(operation.responses['200'].headers)).toEqual([
        'X-User-Id',
        'X-User-Email',
        'X-Session-Id',
        'X-Organization-Id',
        'X-Organization-Role',
        'X-Permissions',
      ]);
      expect(operation.parameters).toEqual([expect.objectContaining({ name: 'permission', in: 'query' })]);
      expect(document.paths['/api/v1/oauth/introspect'].post.operationId).toBe('introspectToken');
    });
  });

  describe('POST /api/v1/oauth/introspect', () => {
    it('describes a live access token with its live role and permissions', async () => {
      const team = await createTeam(t.api);
      const developer = await addTeammate(t.api, team.owner.token, 'developer');
      await authenticated(t.api, team.owner.token)
        .patch(`/api/v1/members/${developer.memberId}`, { role_id: SYSTEM_ROLE_IDS.analyst })
        .expect(200);
      const claims = claimsOf(developer.token);
      const response = await introspect({ token: developer.token, token_type_hint: 'access_token' }).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        active: true,
        token_type: 'access_token',
        sub: developer.id,
        sid: claims.sid,
        iss: 'identity-service',
        exp: claims.exp,
        iat: claims.iat,
        org_id: team.organizationId,
        org_role: 'analyst',
        permissions: [
          'org.read',
          'members.read',
          'roles.read',
          'projects.read',
          'environments.read',
          'flags.read',
          'rules.read',
          'usage.read',
        ],
      });
      const asJson = await t
        .api()
        .post('/api/v1/oauth/introspect')
        .set('Authorization', basic('billing', `${CLIENT_SECRET}-billing`))
        .send({ token: developer.token })
        .expect(200);
      expect(asJson.body.active).toBe(true);
    });

    it('answers only {"active": false} for a refresh token, a logged-out token and garbage', async () => {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      expect((await introspect({ token: session.refresh_token }).expect(200)).body).toEqual({ active: false });
      expect((await introspect({ token: 'garbage' }).expect(200)).body).toEqual({ active: false });
      await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);
      expect((await introspect({ token: session.token }).expect(200)).body).toEqual({ active: false });
    });

    it('refuses a wrong client secret, an unknown client and no credentials with 401', async () => {
      const team = await createTeam(t.api);
      for (const authorization of [
        basic('gateway', `${CLIENT_SECRET}x`),
        basic('nobody', CLIENT_SECRET),
        basic('gateway', ''),
        '',
      ]) {
        const response = await introspect({ token: team.owner.token }, authorization).expect(401);
        expect(response.body.code).toBe('unauthorized');
        expect(response.headers['www-authenticate']).toBe('Basic realm="introspection"');
      }
    });

    it('answers 400 without a token or with a field given twice, and 415 for a form anywhere else', async () => {
      expect((await introspect({}).expect(400)).body.code).toBe('invalid_request');
      await t
        .api()
        .post('/api/v1/oauth/introspect')
        .set('Authorization', basic('gateway', CLIENT_SECRET))
        .type('form')
        .send('token=a&token=b')
        .expect(400);
      const login = await t.api().post('/api/v1/login').type('form').send({ username: 'a@example.com', password: 'x' });
      expect(login.status).toBe(415);
    });
  });

  describe('JWT_AUDIENCE', () => {
    it('puts aud in access tokens and refuses tokens without it or with another', async () => {
      const team = await createTeam(t.api);
      const claims = claimsOf(team.owner.token);
      expect(claims.aud).toBe(AUDIENCE);
      const { key } = await storedPrivateKey(t, kidOf(team.owner.token));
      const kid = kidOf(team.owner.token);
      const without = { ...claims, aud: undefined };
      for (const forged of [without, { ...claims, aud: 'https://elsewhere.example.com' }]) {
        const token = await signClaims({ ...forged, jti: randomUUID() }, key, kid);
        await t.api().get('/api/v1/me').set(bearer(token)).expect(401);
      }
      await t.api().get('/api/v1/me').set(bearer(team.owner.token)).expect(200);
    });
  });

  it('publishes authorization server metadata with the introspection endpoint', async () => {
    const response = await t.api().get('/.well-known/oauth-authorization-server').expect(200);
    expect(response.body).toEqual({
      issuer: 'identity-service',
      jwks_uri: 'https://id.example.com/.well-known/jwks.json',
      introspection_endpoint: 'https://id.example.com/api/v1/oauth/introspect',
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      token_endpoint_auth_methods_supported: ['none'],
    });
  });
});

describe('without INTROSPECTION_CLIENTS', () => {
  const t = useTestApp();

  it('has no introspection endpoint, whatever the request', async () => {
    const team = await createTeam(t.api);
    const response = await t
      .api()
      .post('/api/v1/oauth/introspect')
      .set('Authorization', basic('gateway', CLIENT_SECRET))
      .type('form')
      .send({ token: team.owner.token })
      .expect(404);
    expect(response.body.code).toBe('not_found');
    await t.api().post('/api/v1/oauth/introspect').expect(404);
  });

  it('leaves it out of the metadata, and access tokens carry no aud', async () => {
    const response = await t.api().get('/.well-known/oauth-authorization-server').expect(200);
    expect(response.body).toEqual({
      issuer: 'identity-service',
      // PUBLIC_URL's default: this service itself.
      jwks_uri: expect.stringMatching(/^http:\/\/localhost:\d+\/\.well-known\/jwks\.json$/),
      token_endpoint_auth_methods_supported: ['none'],
    });
    const team = await createTeam(t.api);
    expect(claimsOf(team.owner.token).aud).toBeUndefined();
  });
});
