import { loginAs, registerUser } from '../support/factories';
import { codeAt, freshStep, mfaTokenOf, userWithTotp } from '../support/mfa';
import { bearer } from '../support/team';
import { useTestApp } from '../support/test-app';

const SESSION_KEYS = ['current_organization', 'organizations', 'refresh_token', 'token', 'user'];

describe('TOTP enrolment', () => {
  const t = useTestApp();

  it('answers a Base32 secret and an otpauth URL naming the service and the email, and shows TOTP off until confirmed', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const response = await t.api().post('/api/v1/me/mfa/totp').set(bearer(session.token)).send({}).expect(200);

    expect(Object.keys(response.body).sort()).toEqual(['otpauth_url', 'secret']);
    expect(response.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(response.headers['cache-control']).toBe('no-store');
    const url = new URL(response.body.otpauth_url as string);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/Identity:${user.email}`);
    expect(url.searchParams.get('secret')).toBe(response.body.secret);
    expect(url.searchParams.get('issuer')).toBe('Identity');

    const me = await t.api().get('/api/v1/me').set(bearer(session.token)).expect(200);
    expect(me.body.user.mfa).toEqual({ totp: false, passkeys: 0 });
    // Pending: a password sign-in is not asked for a code yet.
    await loginAs(t.api, user);
  });

  it('stores the secret sealed with the data key, never in plain form', async () => {
    const user = await userWithTotp(t.api);
    const [row] = await t.dataSource.query<{ secret: string }[]>('SELECT secret FROM mfa_totp_factors WHERE user_id = $1', [
      user.id,
    ]);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(user.secret);
    const codes = await t.dataSource.query<{ code_hash: string }[]>(
      'SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1',
      [user.id],
    );
    expect(codes).toHaveLength(10);
    for (const { code_hash } of codes) {
      expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const code of user.recoveryCodes) expect(code_hash).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('refuses a wrong confirmation code with 400 and leaves TOTP off', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const enrolment = await t.api().post('/api/v1/me/mfa/totp').set(bearer(session.token)).send({}).expect(200);
    const step = await freshStep();
    const wrong = codeAt(enrolment.body.secret as string, step + 5);

    const response = await t
      .api()
      .post('/api/v1/me/mfa/totp/confirm')
      .set(bearer(session.token))
      .send({ code: wrong })
      .expect(400);
    expect(response.body).toMatchObject({ code: 'invalid_request', details: { fields: [{ field: 'code' }] } });
    await t.api().post('/api/v1/me/mfa/totp/confirm').set(bearer(session.token)).send({ code: 'abcdef' }).expect(400);
    await t.api().post('/api/v1/me/mfa/totp/confirm').set(bearer(session.token)).send({}).expect(400);
    const me = await t.api().get('/api/v1/me').set(bearer(session.token)).expect(200);
    expect(me.body.user.mfa.totp).toBe(false);
    await loginAs(t.api, user);
  });

  it('turns TOTP on with the right code and answers ten distinct recovery codes, then refuses a second enrolment', async () => {
    const user = await userWithTotp(t.api);
    expect(user.recoveryCodes).toHaveLength(10);
    expect(new Set(user.recoveryCodes).size).toBe(10);

    const me = await t.api().get('/api/v1/me').set(bearer(user.session.token)).expect(200);
    expect(me.body.user.mfa).toEqual({ totp: true, passkeys: 0 });
    const again = await t.api().post('/api/v1/me/mfa/totp').set(bearer(user.session.token)).send({}).expect(409);
    expect(again.body.code).toBe('conflict');
    const confirmAgain = await t
      .api()
      .post('/api/v1/me/mfa/totp/confirm')
      .set(bearer(user.session.token))
      .send({ code: codeAt(user.secret, user.step + 1) })
      .expect(409);
    expect(confirmAgain.body.code).toBe('conflict');
  });

  it('needs a bearer token', async () => {
    await t.api().post('/api/v1/me/mfa/totp').send({}).expect(401);
    await t.api().post('/api/v1/me/mfa/totp/confirm').send({ code: '123456' }).expect(401);
  });
});

describe('the mfa_required step of POST /api/v1/login', () => {
  const t = useTestApp();

  it('answers the right password of an account with TOTP on with 401 mfa_required, an mfa_token and the methods, and no tokens', async () => {
    const user = await userWithTotp(t.api);
    const response = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);

    expect(response.body).toEqual({
      code: 'mfa_required',
      message: expect.any(String),
      details: { mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), methods: ['totp', 'recovery_code'] },
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.stringify(response.body)).not.toMatch(/eyJ/);
    expect(
      await t.dataSource.query('SELECT 1 FROM mfa_challenges WHERE token_hash = $1', [response.body.details.mfa_token]),
    ).toEqual([]);
  });

  it('answers a wrong password exactly as for an account without TOTP', async () => {
    const withTotp = await userWithTotp(t.api);
    const without = await registerUser(t.api);
    const wrong = (email: string) => t.api().post('/api/v1/login').send({ username: email, password: 'not-the-password' });
    const [a, b] = [await wrong(withTotp.email).expect(401), await wrong(without.email).expect(401)];
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual({ code: 'invalid_credentials', message: 'Invalid email or password', details: null });
  });

  it('leaves a login without a second factor unchanged: a session at once', async () => {
    const user = await registerUser(t.api);
    const response = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(200);
    expect(Object.keys(response.body).sort()).toEqual(SESSION_KEYS);
    expect(await t.dataSource.query('SELECT 1 FROM mfa_challenges WHERE user_id = $1', [user.id])).toEqual([]);
  });
});

describe('POST /api/v1/login/mfa', () => {
  const t = useTestApp();

  it('trades the mfa_token and a current code for the same SessionResponse as /login', async () => {
    const user = await userWithTotp(t.api);
    const mfaToken = await mfaTokenOf(t.api, user);
    const response = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: mfaToken, code: codeAt(user.secret, user.step + 1) })
      .expect(200);

    expect(Object.keys(response.body).sort()).toEqual(SESSION_KEYS);
    expect(response.body.user.id).toBe(user.id);
    expect(response.body.current_organization).toEqual(user.session.current_organization);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    await t
      .api()
      .get('/api/v1/me')
      .set(bearer(response.body.token as string))
      .expect(200);
    // Single use on success.
    const again = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: mfaToken, code: codeAt(user.secret, user.step + 2) })
      .expect(401);
    expect(again.body.code).toBe('unauthorized');
  });

  it('accepts a code once: the same code again, with a new mfa_token, is refused', async () => {
    const user = await userWithTotp(t.api);
    const code = codeAt(user.secret, user.step + 1);
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), code })
      .expect(200);

    const replay = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), code })
      .expect(401);
    expect(replay.body.code).toBe('invalid_credentials');
    // An older step is refused too, once a later one was used; the next step still works.
    const older = codeAt(user.secret, user.step);
    const token = await mfaTokenOf(t.api, user);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: token, code: older }).expect(401);
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: token, code: codeAt(user.secret, user.step + 2) })
      .expect(200);
  });

  it('lets two simultaneous uses of one code through once', async () => {
    const user = await userWithTotp(t.api);
    const code = codeAt(user.secret, user.step + 1);
    const [first, second] = [await mfaTokenOf(t.api, user), await mfaTokenOf(t.api, user)];
    const answers = await Promise.all(
      [first, second].map((mfaToken) =>
        t.api().post('/api/v1/login/mfa').set('X-Forwarded-For', '198.51.100.7').send({ mfa_token: mfaToken, code }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, expect.any(Number)]);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
  });

  it('kills the mfa_token after five wrong codes: the right code is refused then', async () => {
    const user = await userWithTotp(t.api);
    const mfaToken = await mfaTokenOf(t.api, user);
    const wrong = codeAt(user.secret, user.step + 10);
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, code: wrong }).expect(401);
      expect(response.body.code).toBe('invalid_credentials');
    }
    const right = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: mfaToken, code: codeAt(user.secret, user.step + 1) })
      .expect(401);
    expect(right.body.code).toBe('unauthorized');
    // The password earns a new token, and the right code works with it.
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), code: codeAt(user.secret, user.step + 1) })
      .expect(200);
  });

  it('signs in once with each recovery code', async () => {
    const user = await userWithTotp(t.api);
    const [code] = user.recoveryCodes;
    const response = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: code })
      .expect(200);
    expect(response.body.user.id).toBe(user.id);

    const reused = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: code })
      .expect(401);
    expect(reused.body.code).toBe('invalid_credentials');
    // Typed differently (upper case, spaces for dashes), another code of the set still works.
    const typed = user.recoveryCodes[1].toUpperCase().replace(/-/g, ' ');
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: typed })
      .expect(200);
    const audited = await t.dataSource.query<{ details: { recovery_codes_left: number } }[]>(
      `SELECT details FROM audit_events WHERE actor_user_id = $1 AND type = 'mfa.recovery_code_used' ORDER BY occurred_at`,
      [user.id],
    );
    expect(audited.map((row) => row.details.recovery_codes_left)).toEqual([9, 8]);
  });

  it('answers 401 unauthorized for an unknown or expired mfa_token, and 400 without exactly one answer', async () => {
    const user = await userWithTotp(t.api);
    const code = codeAt(user.secret, user.step + 1);
    const unknown = await t.api().post('/api/v1/login/mfa').send({ mfa_token: 'not-a-token', code }).expect(401);
    expect(unknown.body).toEqual({ code: 'unauthorized', message: expect.any(String), details: null });

    const mfaToken = await mfaTokenOf(t.api, user);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken }).expect(400);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, code, recovery_code: user.recoveryCodes[0] }).expect(400);
    await t.api().post('/api/v1/login/mfa').send({ code }).expect(400);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, code: '12345' }).expect(400);

    await t.dataSource.query(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    const expired = await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, code }).expect(401);
    expect(expired.body.code).toBe('unauthorized');
  });
});
