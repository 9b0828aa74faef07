import { loginAs, LoginResult, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

describe('GET and PATCH /api/v1/me', () => {
  const t = useTestApp();

  it('answers the user, the organization of the access token and every organization of the caller', async () => {
    const user = await registerUser(t.api, { name: 'Me Myself' });
    const login = await loginAs(t.api, user);
    const response = await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
    expect(Object.keys(response.body).sort()).toEqual(['current_organization', 'organizations', 'user']);
    // The User of the session, and the caller's second factors (none yet).
    expect(response.body.user).toEqual({ ...login.user, mfa: { totp: false, passkeys: 0 } });
    expect(response.body.current_organization).toEqual(login.current_organization);
    expect(response.body.organizations).toEqual(login.organizations);
  });

  it('reads the profile live on every request: a new organization, a new name and a lost membership show with the same token', async () => {
    const user = await registerUser(t.api);
    const login = await loginAs(t.api, user);
    const bearer = { type: 'bearer' as const };
    const created = await t
      .api()
      .post('/api/v1/organizations')
      .auth(login.token, bearer)
      .send({ name: 'Second Org' })
      .expect(200);
    await t.dataSource.query('UPDATE users SET name = $1 WHERE id = $2', ['Renamed Elsewhere', user.id]);

    const after = await t.api().get('/api/v1/me').auth(login.token, bearer).expect(200);
    expect(after.body.user.name).toBe('Renamed Elsewhere');
    expect(after.body.organizations.map((o: { id: string }) => o.id)).toEqual([
      login.current_organization?.id,
      created.body.organization.id,
    ]);
    expect(after.body.current_organization).toEqual(login.current_organization);

    // Removed from the token's organization (which still exists): the token is accepted, but
    // the organization is no longer the caller's current one.
    await t.dataSource.query('DELETE FROM memberships WHERE user_id = $1 AND organization_id = $2', [
      user.id,
      login.current_organization?.id,
    ]);
    const removed = await t.api().get('/api/v1/me').auth(login.token, bearer).expect(200);
    expect(removed.body.current_organization).toBeNull();
    expect(removed.body.organizations.map((o: { id: string }) => o.id)).toEqual([created.body.organization.id]);
  });

  it('answers current_organization null for a user without organizations', async () => {
    const user = await registerUser(t.api);
    await t.dataSource.query('DELETE FROM memberships WHERE user_id = $1', [user.id]);
    const login = await loginAs(t.api, user);
    const response = await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
    expect(response.body).toMatchObject({ current_organization: null, organizations: [] });
  });

  it('changes the name, trimmed, and answers {user}', async () => {
    const user = await registerUser(t.api);
    const login = await loginAs(t.api, user);
    const response = await t
      .api()
      .patch('/api/v1/me')
      .auth(login.token, { type: 'bearer' })
      .send({ name: '  New Name ' })
      .expect(200);
    expect(response.body).toEqual({ user: { ...login.user, name: 'New Name', updated_at: expect.any(String) } });
    const again = await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
    expect(again.body.user.name).toBe('New Name');
  });

  it.each([
    ['a missing name', {}],
    ['a blank name', { name: '   ' }],
    ['a numeric name', { name: 7 }],
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
  ])('answers 400 invalid_request for %s', async (_case, body) => {
    const login = await loginAs(t.api, await registerUser(t.api));
    const response = await t.api().patch('/api/v1/me').auth(login.token, { type: 'bearer' }).send(body).expect(400);
    expect(response.body.code).toBe('invalid_request');
    expect(response.body.details.fields[0].field).toBe('name');
  });

  it('answers 403 forbidden to a read_only user who may still read', async () => {
    const user = await registerUser(t.api);
    await t.dataSource.query(`UPDATE users SET role = 'read_only' WHERE id = $1`, [user.id]);
    const login = await loginAs(t.api, user);
    await t.api().get('/api/v1/me').auth(login.token, { type: 'bearer' }).expect(200);
    const response = await t.api().patch('/api/v1/me').auth(login.token, { type: 'bearer' }).send({ name: 'Nope' }).expect(403);
    expect(response.body.code).toBe('forbidden');
  });

  it('answers 401 without a token', async () => {
    await t.api().get('/api/v1/me').expect(401);
    await t.api().patch('/api/v1/me').send({ name: 'x' }).expect(401);
  });
});

describe('POST /api/v1/me/switch-organization', () => {
  const t = useTestApp();

  const switchTo = (session: Pick<LoginResult, 'token' | 'refresh_token'>, organizationId: unknown) =>
    t
      .api()
      .post('/api/v1/me/switch-organization')
      .auth(session.token, { type: 'bearer' })
      .send({ organization_id: organizationId, refresh_token: session.refresh_token });

  async function userWithTwoOrganizations() {
    const user = await registerUser(t.api);
    const login = await loginAs(t.api, user);
    const created = await t
      .api()
      .post('/api/v1/organizations')
      .auth(login.token, { type: 'bearer' })
      .send({ name: `Other ${Date.now()}` })
      .expect(200);
    return { user, login, other: created.body.organization as { id: string; slug: string; name: string; role: string } };
  }

  it('rotates the refresh token and answers a SessionResponse scoped to the target organization', async () => {
    const { login, other } = await userWithTwoOrganizations();
    const response = await switchTo(login, other.id).expect(200);
    const next = response.body as LoginResult;
    expect(next.current_organization).toEqual(other);
    expect(next.organizations).toHaveLength(2);
    expect(claimsOf(next.token)).toMatchObject({
      org_id: other.id,
      org_slug: other.slug,
      org_role: 'owner',
      sid: claimsOf(login.token).sid,
    });
    expect(claimsOf(next.refresh_token).sid).toBe(claimsOf(login.token).sid);
    const me = await t.api().get('/api/v1/me').auth(next.token, { type: 'bearer' }).expect(200);
    expect(me.body.current_organization).toEqual(other);
    // The old refresh token is spent: presenting it again is reuse.
    expect((await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(401)).body.code).toBe(
      'refresh_token_reused',
    );
  });

  it('remembers the organization: the next login and refresh start there', async () => {
    const { user, login, other } = await userWithTwoOrganizations();
    const next = (await switchTo(login, other.id).expect(200)).body as LoginResult;
    expect((await loginAs(t.api, user)).current_organization?.id).toBe(other.id);
    const refreshed = await t.api().post('/api/v1/refresh-token').send({ refresh_token: next.refresh_token }).expect(200);
    expect(refreshed.body.current_organization.id).toBe(other.id);
  });

  it('answers 403 forbidden for an organization of someone else, and the refresh token stays usable', async () => {
    const { login } = await userWithTwoOrganizations();
    const stranger = await loginAs(t.api, await registerUser(t.api));
    const response = await switchTo(login, stranger.current_organization?.id).expect(403);
    expect(response.body).toEqual({ code: 'forbidden', message: expect.any(String), details: null });
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(200);
  });

  it('answers 403 forbidden for a deleted organization and for an unknown one', async () => {
    const { login, other } = await userWithTwoOrganizations();
    await t.dataSource.query('UPDATE organizations SET deleted_at = now() WHERE id = $1', [other.id]);
    expect((await switchTo(login, other.id).expect(403)).body.code).toBe('forbidden');
    await switchTo(login, '6f1c2a9e-0000-4000-8000-000000000000').expect(403);
  });

  it("answers 401 for another user's refresh token and for another session's, without touching them", async () => {
    const { user, login, other } = await userWithTwoOrganizations();
    const stranger = await loginAs(t.api, await registerUser(t.api));
    const foreign = await switchTo({ token: login.token, refresh_token: stranger.refresh_token }, other.id).expect(401);
    expect(foreign.body.code).toBe('unauthorized');

    const secondSession = await loginAs(t.api, user);
    await switchTo({ token: login.token, refresh_token: secondSession.refresh_token }, other.id).expect(401);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: stranger.refresh_token }).expect(200);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: secondSession.refresh_token }).expect(200);
  });

  it('answers 401 refresh_token_reused for a stale refresh token of the same session, which is revoked', async () => {
    const { login, other } = await userWithTwoOrganizations();
    const next = (await t.api().post('/api/v1/refresh-token').send({ refresh_token: login.refresh_token }).expect(200))
      .body as LoginResult;
    const response = await switchTo({ token: next.token, refresh_token: login.refresh_token }, other.id).expect(401);
    expect(response.body.code).toBe('refresh_token_reused');
    await t.api().get('/api/v1/me').auth(next.token, { type: 'bearer' }).expect(401);
  });

  it.each([
    ['a non-uuid organization_id', { organization_id: 'abc' }, 'organization_id'],
    ['a missing refresh_token', { refresh_token: undefined }, 'refresh_token'],
    ['a numeric refresh_token', { refresh_token: 5 }, 'refresh_token'],
  ])('answers 400 invalid_request for %s', async (_case, override, field) => {
    const { login, other } = await userWithTwoOrganizations();
    const body = { organization_id: other.id, refresh_token: login.refresh_token, ...override };
    const response = await t
      .api()
      .post('/api/v1/me/switch-organization')
      .auth(login.token, { type: 'bearer' })
      .send(body)
      .expect(400);
    expect(response.body.code).toBe('invalid_request');
    expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('answers 401 without a bearer token', async () => {
    const { login, other } = await userWithTwoOrganizations();
    await t
      .api()
      .post('/api/v1/me/switch-organization')
      .send({ organization_id: other.id, refresh_token: login.refresh_token })
      .expect(401);
  });
});
