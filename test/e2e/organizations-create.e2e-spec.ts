import { loginAs, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';

describe('POST and GET /api/v1/organizations', () => {
  const t = useTestApp();

  it('creates an organization owned by the caller and lists it with the others', async () => {
    const user = await registerUser(t.api, { name: 'Multi Org' });
    const { token } = await loginAs(t.api, user);
    const created = await t
      .api()
      .post('/api/v1/organizations')
      .auth(token, { type: 'bearer' })
      .send({ name: 'Second Org' })
      .expect(200);
    expect(created.body).toEqual({
      organization: { id: expect.any(String), slug: 'second-org', name: 'Second Org', role: 'owner' },
    });

    const listed = await t.api().get('/api/v1/organizations').auth(token, { type: 'bearer' }).expect(200);
    expect(listed.body.organizations.map((o: { slug: string }) => o.slug)).toEqual(['multi-org', 'second-org']);
    const session = await loginAs(t.api, user);
    expect(session.organizations).toHaveLength(2);
    expect(session.current_organization?.slug).toBe('multi-org');
  });

  it('answers 400 naming the field for a missing or blank name', async () => {
    const { token } = await loginAs(t.api, await registerUser(t.api));
    for (const body of [{}, { name: '  ' }, { name: 42 }]) {
      const response = await t.api().post('/api/v1/organizations').auth(token, { type: 'bearer' }).send(body).expect(400);
      expect(response.body.details.fields).toEqual([{ field: 'name', message: expect.any(String) }]);
    }
  });

  it('answers 401 unauthorized without a token, with a malformed one, and with a refresh token', async () => {
    const session = await loginAs(t.api, await registerUser(t.api));
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${session.refresh_token}`, `Basic ${session.token}`]) {
      const request = t.api().get('/api/v1/organizations');
      if (authorization) request.set('Authorization', authorization);
      const response = await request.expect(401);
      expect(response.body).toEqual({ code: 'unauthorized', message: expect.any(String), details: null });
    }
  });

  it('answers 403 forbidden to a read_only user', async () => {
    const user = await registerUser(t.api);
    await t.dataSource.query(`UPDATE users SET role = 'read_only' WHERE id = $1`, [user.id]);
    const { token } = await loginAs(t.api, user);
    const response = await t
      .api()
      .post('/api/v1/organizations')
      .auth(token, { type: 'bearer' })
      .send({ name: 'Nope' })
      .expect(403);
    expect(response.body.code).toBe('forbidden');
    await t.api().get('/api/v1/organizations').auth(token, { type: 'bearer' }).expect(200);
  });
});
