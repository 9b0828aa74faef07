import { registerUser } from '../support/factories';
import { useTestApp } from '../support/test-app';

describe('operations: probes, request ids, errors, OpenAPI', () => {
  const t = useTestApp();

  it('answers GET /healthz with {status: ok}', async () => {
    const response = await t.api().get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers GET /readyz with the database connected', async () => {
    const response = await t.api().get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ok', db: 'connected' });
  });

  it('answers an unknown route with 404 not_found in the error shape', async () => {
    const response = await t.api().get('/api/v1/nothing-here').expect(404);
    expect(response.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
  });

  it('answers a known path with the wrong method with 404 in the error shape', async () => {
    const response = await t.api().get('/api/v1/login').expect(404);
    expect(response.body.code).toBe('not_found');
  });

  it('echoes a caller X-Request-Id and logs it with the request', async () => {
    const response = await t.api().get('/healthz').set('X-Request-Id', 'trace-abc.123').expect(200);
    expect(response.headers['x-request-id']).toBe('trace-abc.123');
    expect(t.logs.some((line) => line.request_id === 'trace-abc.123')).toBe(true);
  });

  it('generates a request id when none, or an unusable one, is sent', async () => {
    const none = await t.api().get('/healthz').expect(200);
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    for (const unusable of ['a b {"level":"fatal"}', 'x'.repeat(200)]) {
      const response = await t.api().get('/healthz').set('X-Request-Id', unusable).expect(200);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('puts the request id on error answers too', async () => {
    const response = await t.api().post('/api/v1/login').set('X-Request-Id', 'err-1').send({}).expect(400);
    expect(response.headers['x-request-id']).toBe('err-1');
  });

  it('sends no X-Powered-By header', async () => {
    const response = await t.api().get('/healthz').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('sends security headers (helmet) on every answer', async () => {
    const response = await t.api().get('/healthz').expect(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });

  it('sends HSTS and upgrade-insecure-requests over HTTPS only, so the Swagger UI loads over plain HTTP', async () => {
    const plain = await t.api().get('/api/docs').expect(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const stylesheet = /href="([^"]+\.css)"/.exec(plain.text)?.[1];
    expect(stylesheet).toBeDefined();
    await t
      .api()
      .get(new URL(stylesheet as string, `${t.url}/api/docs/`).pathname)
      .expect(200);
  });

  it('allows no cross-origin browser access by default', async () => {
    const response = await t
      .api()
      .options('/api/v1/login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('writes structured JSON log lines', async () => {
    await t.api().get('/healthz').expect(200);
    const line = t.logs.find((l) => (l.req as { url?: string } | undefined)?.url === '/healthz');
    expect(line).toMatchObject({ level: 'info', request_id: expect.any(String), res: { status: 200 }, time: expect.any(String) });
  });

  describe('OpenAPI document', () => {
    let doc: Record<string, any>;

    beforeAll(async () => {
      doc = (await t.api().get('/api/openapi.json').expect(200)).body;
    });

    it('describes register and login with their request and response schemas', () => {
      const register = doc.paths['/api/v1/register'].post;
      expect(register.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/RegisterDto');
      expect(register.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/RegisterResponse');
      const login = doc.paths['/api/v1/login'].post;
      expect(login.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/LoginDto');
      expect(login.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/SessionResponse');
    });

    it('documents every error status of register and login with the error schema', () => {
      const errorRef = { $ref: '#/components/schemas/ErrorResponseDto' };
      const statuses = (operation: Record<string, any>) => Object.keys(operation.responses).filter((s) => s !== '200');
      expect(statuses(doc.paths['/api/v1/register'].post).sort()).toEqual(['400', '409', '413', '415', '429', '503']);
      expect(statuses(doc.paths['/api/v1/login'].post).sort()).toEqual(['400', '401', '404', '413', '415', '429', '503']);
      for (const path of ['/api/v1/register', '/api/v1/login']) {
        for (const status of statuses(doc.paths[path].post)) {
          const schema = doc.paths[path].post.responses[status].content['application/json'].schema;
          // Login's 401 is either error: invalid_credentials, or mfa_required with its details (Revision 4).
          if (path === '/api/v1/login' && status === '401') {
            expect(schema).toEqual({ oneOf: [errorRef, { $ref: '#/components/schemas/MfaRequiredErrorResponse' }] });
          } else {
            expect(schema).toEqual(errorRef);
          }
        }
      }
      expect(doc.components.schemas.ErrorResponseDto.required.sort()).toEqual(['code', 'details', 'message']);
    });

    it('matches the contract field for field in SessionResponse and User', () => {
      const session = doc.components.schemas.SessionResponse;
      expect(Object.keys(session.properties).sort()).toEqual([
        'current_organization',
        'organizations',
        'refresh_token',
        'token',
        'user',
      ]);
      const user = doc.components.schemas.UserResponse;
      expect(Object.keys(user.properties).sort()).toEqual([
        'created_at',
        'email',
        'email_verified_at',
        'id',
        'name',
        'role',
        'updated_at',
      ]);
      expect(user.properties.email_verified_at.nullable).toBe(true);
      expect(user.properties.role.enum).toEqual(['admin', 'read_only']);
    });

    it('declares the bearer scheme', () => {
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    });

    it('serves the documentation UI at /api/docs', async () => {
      const response = await t.api().get('/api/docs').redirects(1).expect(200);
      expect(response.headers['content-type']).toContain('text/html');
    });
  });

  it('answers /readyz with 503 once the database is closed, while /healthz stays 200 and requests answer 503', async () => {
    await registerUser(t.api);
    await t.dataSource.destroy();
    const response = await t.api().get('/readyz').expect(503);
    expect(response.body).toEqual({ status: 'error', db: 'unavailable' });
    await t.api().get('/healthz').expect(200);
    const failed = await t.api().post('/api/v1/login').send({ username: 'a@example.com', password: 'password123' }).expect(503);
    expect(failed.body).toEqual({ code: 'unavailable', message: expect.any(String), details: null });
    expect(failed.headers['retry-after']).toBe('5');
    expect(t.logs.some((line) => line.level === 'warn' && line.msg === 'database unavailable')).toBe(true);
  });
});

describe('CORS_ORIGINS', () => {
  const t = useTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });

  it('lets a listed origin call the API from a browser, and no other', async () => {
    const allowed = await t
      .api()
      .options('/api/v1/login')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await t
      .api()
      .options('/api/v1/login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('operations behind a TLS-terminating proxy (TRUST_PROXY=loopback)', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback' } });

  it('sends HSTS and upgrade-insecure-requests when the proxy says the request came over HTTPS', async () => {
    const response = await t.api().get('/healthz').set('X-Forwarded-Proto', 'https').expect(200);
    expect(response.headers['strict-transport-security']).toContain('max-age=');
    expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
