import { loginAs, newCredentials, registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('POST /api/v1/register', () => {
  const t = useTestApp();

  it('answers 200 with exactly the User fields and no tokens', async () => {
    const credentials = newCredentials({ name: 'Ada Lovelace' });
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({ name: credentials.name, username: credentials.email, password: credentials.password })
      .expect(200);

    expect(Object.keys(response.body)).toEqual(['user']);
    const user = response.body.user;
    expect(Object.keys(user).sort()).toEqual(['created_at', 'email', 'email_verified_at', 'id', 'name', 'role', 'updated_at']);
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: credentials.email, role: 'admin', email_verified_at: null });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.created_at).toMatch(ISO_UTC);
    expect(user.updated_at).toMatch(ISO_UTC);
  });

  it('creates an initial organization named after the user, with the user as owner', async () => {
    const user = await registerUser(t.api, { name: 'Grace Hopper' });
    const session = await loginAs(t.api, user);
    expect(session.organizations).toEqual([
      { id: expect.any(String), slug: 'grace-hopper', name: 'Grace Hopper', role: 'owner' },
    ]);
    expect(session.current_organization).toEqual(session.organizations[0]);
  });

  it('suffixes the slug when the name is taken', async () => {
    const first = await loginAs(t.api, await registerUser(t.api, { name: 'Acme Corp' }));
    const second = await loginAs(t.api, await registerUser(t.api, { name: 'Acme Corp' }));
    const third = await loginAs(t.api, await registerUser(t.api, { name: 'ACME corp!' }));
    expect([first, second, third].map((s) => s.current_organization?.slug)).toEqual(['acme-corp', 'acme-corp-2', 'acme-corp-3']);
  });

  it('trims the email and answers 409 email_taken for the same email in any case', async () => {
    const user = await registerUser(t.api);
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({ name: 'Someone', username: `  ${user.email.toUpperCase()} `, password: 'another-password' })
      .expect(409);
    expect(response.body).toEqual({ code: 'email_taken', message: expect.any(String), details: null });
  });

  it('stores the email trimmed', async () => {
    const credentials = newCredentials();
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({ name: credentials.name, username: `  ${credentials.email}\t`, password: credentials.password })
      .expect(200);
    expect(response.body.user.email).toBe(credentials.email);
  });

  it('lets exactly one of ten concurrent registrations of one email succeed; the others get 409, none 500', async () => {
    const credentials = newCredentials();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t
          .api()
          .post('/api/v1/register')
          .send({
            name: credentials.name,
            username: i % 2 ? credentials.email.toUpperCase() : credentials.email,
            password: credentials.password,
          }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const [{ count }] = await t.dataSource.query<{ count: string }[]>(
      'SELECT count(*) FROM users WHERE lower(email) = lower($1)',
      [credentials.email],
    );
    expect(Number(count)).toBe(1);
  });

  it('accepts a password of exactly 72 UTF-8 bytes and never truncates it', async () => {
    const password = 'é'.repeat(36); // 36 characters, 72 bytes
    const user = await registerUser(t.api, { password });
    await loginAs(t.api, user);
    // bcrypt alone would accept anything that starts with the same 72 bytes
    const response = await t
      .api()
      .post('/api/v1/login')
      .send({ username: user.email, password: `${password}x` })
      .expect(401);
    expect(response.body.code).toBe('invalid_credentials');
  });

  it.each([
    ['a password of 73 UTF-8 bytes', { password: `${'é'.repeat(36)}a` }, 'password'],
    ['a password of 7 characters', { password: 'short12' }, 'password'],
    ['a missing password', { password: undefined }, 'password'],
    ['a numeric password', { password: 12345678 }, 'password'],
    ['a missing name', { name: undefined }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a username that is not an email', { username: 'not-an-email' }, 'username'],
    ['a missing username', { username: undefined }, 'username'],
    ['an object as username', { username: { $ne: null } }, 'username'],
  ])('answers 400 invalid_request naming the field for %s', async (_case, override, field) => {
    const credentials = newCredentials();
    const body = { name: credentials.name, username: credentials.email, password: credentials.password, ...override };
    const response = await t.api().post('/api/v1/register').send(body).expect(400);
    expect(response.body.code).toBe('invalid_request');
    expect(response.body.message).toEqual(expect.any(String));
    expect(response.body.details.fields).toEqual([{ field, message: expect.any(String) }]);
  });

  it('lists every bad field at once', async () => {
    const response = await t.api().post('/api/v1/register').send({}).expect(400);
    expect(response.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['name', 'password', 'username']);
  });

  it('ignores unknown fields, including an attempt to choose the system role', async () => {
    const credentials = newCredentials();
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({
        name: credentials.name,
        username: credentials.email,
        password: credentials.password,
        role: 'read_only',
        is_admin: true,
      })
      .expect(200);
    expect(response.body.user.role).toBe('admin');
  });

  it.each([
    ['a JSON array', '[1,2]', 'application/json', 400, 'invalid_request'],
    ['JSON null', 'null', 'application/json', 400, 'invalid_request'],
    ['malformed JSON', '{"name": ', 'application/json', 400, 'invalid_request'],
    ['a form body', 'name=a&username=b', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['plain text', 'hello', 'text/plain', 415, 'unsupported_media_type'],
  ])('answers %s in the error shape', async (_case, body, type, status, code) => {
    const response = await t.api().post('/api/v1/register').set('Content-Type', type).send(body).expect(status);
    expect(response.body).toEqual({
      code,
      message: expect.any(String),
      details: code === 'invalid_request' ? { fields: [] } : null,
    });
  });

  it('answers an empty body with 400', async () => {
    const response = await t.api().post('/api/v1/register').expect(400);
    expect(response.body.code).toBe('invalid_request');
  });

  it('answers 413 payload_too_large for an oversized body', async () => {
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({ name: 'x'.repeat(200_000), username: 'a@example.com', password: 'password123' })
      .expect(413);
    expect(response.body).toEqual({ code: 'payload_too_large', message: expect.any(String), details: null });
  });

  it('stores a bcrypt hash at BCRYPT_COST and never returns it', async () => {
    const credentials = newCredentials();
    const response = await t
      .api()
      .post('/api/v1/register')
      .send({ name: credentials.name, username: credentials.email, password: credentials.password })
      .expect(200);
    const [row] = await t.dataSource.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [
      response.body.user.id,
    ]);
    expect(row.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(response.text).not.toContain(row.password_hash);
    expect(response.text).not.toContain('$2b$');
    expect(response.text).not.toContain(credentials.password);
  });
});
