import { RetentionSweeper } from '../../src/retention/retention-sweeper';
import { useMachineEventStream } from '../support/event-stream';
import { loginAs, registerUser } from '../support/factories';
import { codeAt, mfaTokenOf, userWithTotp } from '../support/mfa';
import { bearer } from '../support/team';
import { TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

const signInWithCode = async (t: TestAppHandle, user: { email: string; password: string; secret: string }, step: number) =>
  (
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), code: codeAt(user.secret, step) })
      .expect(200)
  ).body as { token: string; refresh_token: string };

const auditTypes = async (t: TestAppHandle, userId: string) =>
  (
    await t.dataSource.query<{ type: string }[]>(
      `SELECT type FROM audit_events WHERE actor_user_id = $1 AND type LIKE 'mfa.%' ORDER BY occurred_at, id`,
      [userId],
    )
  ).map((row) => row.type);

describe('DELETE /api/v1/me/mfa/totp', () => {
  const t = useTestApp();

  it('turns TOTP off with the password, revokes the other sessions and keeps the caller’s', async () => {
    const user = await userWithTotp(t.api);
    const other = await signInWithCode(t, user, user.step + 1);

    const wrong = await t
      .api()
      .delete('/api/v1/me/mfa/totp')
      .set(bearer(user.session.token))
      .send({ password: 'wrong' })
      .expect(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    await t.api().delete('/api/v1/me/mfa/totp').set(bearer(user.session.token)).send({}).expect(400);
    await t.api().get('/api/v1/me').set(bearer(other.token)).expect(200);

    const response = await t
      .api()
      .delete('/api/v1/me/mfa/totp')
      .set(bearer(user.session.token))
      .send({ password: user.password })
      .expect(200);
    expect(response.body).toEqual({ deleted: true });

    await t.api().get('/api/v1/me').set(bearer(other.token)).expect(401);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: other.refresh_token }).expect(401);
    const me = await t.api().get('/api/v1/me').set(bearer(user.session.token)).expect(200);
    expect(me.body.user.mfa).toEqual({ totp: false, passkeys: 0 });
    const [revoked] = await t.dataSource.query<{ revoked_reason: string }[]>(
      'SELECT revoked_reason FROM sessions WHERE id = $1',
      [claimsOf(other.token).sid],
    );
    expect(revoked.revoked_reason).toBe('mfa_disabled');
    // The password alone signs in again; nothing of the factor is left.
    await loginAs(t.api, user);
    expect(await t.dataSource.query('SELECT 1 FROM mfa_totp_factors WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await t.dataSource.query('SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [user.id])).toEqual([]);
    const again = await t
      .api()
      .delete('/api/v1/me/mfa/totp')
      .set(bearer(user.session.token))
      .send({ password: user.password })
      .expect(409);
    expect(again.body.code).toBe('conflict');
    expect(await auditTypes(t, user.id)).toEqual(['mfa.enabled', 'mfa.disabled']);
  });
});

describe('POST /api/v1/me/mfa/recovery-codes', () => {
  const t = useTestApp();

  it('issues ten new codes with the password: the old ones stop working, other sessions are revoked', async () => {
    const user = await userWithTotp(t.api);
    const other = await signInWithCode(t, user, user.step + 1);
    await t.api().post('/api/v1/me/mfa/recovery-codes').set(bearer(user.session.token)).send({ password: 'wrong' }).expect(401);

    const response = await t
      .api()
      .post('/api/v1/me/mfa/recovery-codes')
      .set(bearer(user.session.token))
      .send({ password: user.password })
      .expect(200);
    const fresh = response.body.recovery_codes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => user.recoveryCodes.includes(code))).toEqual([]);
    expect(response.headers['cache-control']).toBe('no-store');

    await t.api().get('/api/v1/me').set(bearer(other.token)).expect(401);
    await t.api().get('/api/v1/me').set(bearer(user.session.token)).expect(200);
    const old = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: user.recoveryCodes[2] })
      .expect(401);
    expect(old.body.code).toBe('invalid_credentials');
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: fresh[0] })
      .expect(200);
    expect(await auditTypes(t, user.id)).toEqual(['mfa.enabled', 'mfa.recovery_codes_renewed', 'mfa.recovery_code_used']);
  });

  it('answers 409 while TOTP is off', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const response = await t
      .api()
      .post('/api/v1/me/mfa/recovery-codes')
      .set(bearer(session.token))
      .send({ password: user.password })
      .expect(409);
    expect(response.body.code).toBe('conflict');
  });
});

describe('DELETE /api/v1/me with TOTP on', () => {
  const t = useTestApp();

  it('asks for the current code besides the password, and erases the factor with the account', async () => {
    const user = await userWithTotp(t.api);
    const remove = (body: object) => t.api().delete('/api/v1/me').set(bearer(user.session.token)).send(body);

    expect((await remove({ password: user.password }).expect(401)).body.code).toBe('invalid_credentials');
    const wrongCode = codeAt(user.secret, user.step + 10);
    expect((await remove({ password: user.password, code: wrongCode }).expect(401)).body.code).toBe('invalid_credentials');
    // The code that confirmed the enrolment was used: it does not count twice.
    await remove({ password: user.password, code: codeAt(user.secret, user.step) }).expect(401);
    await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);

    await remove({ password: user.password, code: codeAt(user.secret, user.step + 1) }).expect(200);
    for (const table of ['mfa_totp_factors', 'mfa_recovery_codes', 'mfa_challenges'])
      expect(await t.dataSource.query(`SELECT 1 FROM ${table} WHERE user_id = $1`, [user.id])).toEqual([]);
  });
});

describe('what GET /me/export shows of the factor', () => {
  const t = useTestApp();

  it('tells that TOTP is on, since when and how many recovery codes are left, never the secret or a hash', async () => {
    const user = await userWithTotp(t.api);
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: await mfaTokenOf(t.api, user), recovery_code: user.recoveryCodes[0] })
      .expect(200);
    const response = await t.api().get('/api/v1/me/export').set(bearer(user.session.token)).expect(200);

    expect(response.body.mfa).toEqual({
      totp: { enabled: true, confirmed_at: expect.any(String), recovery_codes_left: 9 },
      passkeys: [],
    });
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(user.secret);
    const [stored] = await t.dataSource.query<{ secret: string }[]>('SELECT secret FROM mfa_totp_factors WHERE user_id = $1', [
      user.id,
    ]);
    expect(text).not.toContain(stored.secret);
    for (const row of await t.dataSource.query<{ code_hash: string }[]>('SELECT code_hash FROM mfa_recovery_codes')) {
      expect(text).not.toContain(row.code_hash);
    }
  });
});

describe('wrong second factors and the login throttle', () => {
  const t = useTestApp({
    env: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES: '3', LOGIN_FREE_FAILURES: '50', LOGIN_BLOCK_DURATION: '15m' },
  });

  it('count like wrong passwords: three wrong codes from an address block it for the account, not another address', async () => {
    const user = await userWithTotp(t.api);
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    const password = await t
      .api()
      .post('/api/v1/login')
      .set(from('198.51.100.20'))
      .send({ username: user.email, password: user.password })
      .expect(401);
    const mfaToken = password.body.details.mfa_token as string;
    const wrong = codeAt(user.secret, user.step + 10);
    for (let attempt = 0; attempt < 3; attempt++)
      await t.api().post('/api/v1/login/mfa').set(from('198.51.100.20')).send({ mfa_token: mfaToken, code: wrong }).expect(401);

    const blocked = await t
      .api()
      .post('/api/v1/login/mfa')
      .set(from('198.51.100.20'))
      .send({ mfa_token: mfaToken, code: codeAt(user.secret, user.step + 1) })
      .expect(429);
    expect(blocked.body.code).toBe('rate_limited');
    await t
      .api()
      .post('/api/v1/login')
      .set(from('198.51.100.20'))
      .send({ username: user.email, password: user.password })
      .expect(429);
    const elsewhere = await t
      .api()
      .post('/api/v1/login')
      .set(from('203.0.113.9'))
      .send({ username: user.email, password: user.password })
      .expect(401);
    expect(elsewhere.body.code).toBe('mfa_required');
  });
});

describe('the passkey branch without a passkey feature', () => {
  const t = useTestApp();

  it('offers no passkey, refuses passkey options with 400 and a passkey answer without options with 400', async () => {
    const user = await userWithTotp(t.api);
    const mfaToken = await mfaTokenOf(t.api, user);
    const options = await t.api().post('/api/v1/login/mfa/passkey-options').send({ mfa_token: mfaToken }).expect(400);
    expect(options.body.code).toBe('invalid_request');
    await t.api().post('/api/v1/login/mfa/passkey-options').send({ mfa_token: 'unknown' }).expect(401);
    const answer = await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: mfaToken, passkey: { id: 'x', rawId: 'x', type: 'public-key', response: {} } })
      .expect(400);
    expect(answer.body.code).toBe('invalid_request');
    // Neither counted: the token still works.
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: mfaToken, code: codeAt(user.secret, user.step + 1) })
      .expect(200);
  });
});

describe('secrets of the second factor and the retention sweep', () => {
  const t = useTestApp();

  it('writes no TOTP secret, recovery code or mfa_token to the log', async () => {
    const user = await userWithTotp(t.api);
    const mfaToken = await mfaTokenOf(t.api, user);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, recovery_code: user.recoveryCodes[0] }).expect(200);
    await t.api().post('/api/v1/login/mfa').send({ mfa_token: mfaToken, recovery_code: user.recoveryCodes[1] }).expect(401);

    const logs = t.rawLogs();
    expect(logs).toContain('/api/v1/login/mfa');
    expect(logs).not.toContain(user.secret);
    expect(logs).not.toContain(mfaToken);
    for (const code of user.recoveryCodes) expect(logs).not.toContain(code);
  });

  it('deletes challenges a day after they were used or expired, and keeps live ones', async () => {
    const user = await userWithTotp(t.api);
    const used = await mfaTokenOf(t.api, user);
    await t
      .api()
      .post('/api/v1/login/mfa')
      .send({ mfa_token: used, code: codeAt(user.secret, user.step + 1) })
      .expect(200);
    await mfaTokenOf(t.api, user);
    await mfaTokenOf(t.api, user);
    const rows = await t.dataSource.query<{ id: string; used_at: Date | null }[]>(
      'SELECT id, used_at FROM mfa_challenges WHERE user_id = $1 ORDER BY created_at',
      [user.id],
    );
    const [usedId, expiredId, liveId] = [rows[0].id, rows[1].id, rows[2].id];
    await t.dataSource.query(`UPDATE mfa_challenges SET used_at = now() - interval '25 hours' WHERE id = $1`, [usedId]);
    await t.dataSource.query(`UPDATE mfa_challenges SET expires_at = now() - interval '25 hours' WHERE id = $1`, [expiredId]);

    const result = await t.app.get(RetentionSweeper).sweep();
    expect(result?.mfa_challenge).toBe(2);
    const left = await t.dataSource.query<{ id: string }[]>('SELECT id FROM mfa_challenges WHERE user_id = $1', [user.id]);
    expect(left).toEqual([{ id: liveId }]);
  });
});

describe('the events of TOTP', () => {
  const events = useMachineEventStream('mfa');
  const t = useTestApp({ env: events.env });

  it('announces mfa_enabled and mfa_disabled without a secret, and the sessions turning TOTP off revoked', async () => {
    const user = await userWithTotp(t.api);
    const other = await signInWithCode(t, user, user.step + 1);
    await t.api().delete('/api/v1/me/mfa/totp').set(bearer(user.session.token)).send({ password: user.password }).expect(200);

    await events.stream.waitFor('identity.user.mfa_disabled', user.id);
    const about = events.stream.ofTypes().filter((event) => event.subject === user.id);
    expect(about.map((event) => event.type)).toEqual([
      'identity.user.registered',
      'identity.user.mfa_enabled',
      'identity.user.mfa_disabled',
    ]);
    expect(about[1].data).toEqual({ user_id: user.id, method: 'totp' });
    expect(about[2].data).toEqual({ user_id: user.id, method: 'totp' });
    expect(JSON.stringify(about)).not.toContain(user.secret);
    const revoked = events.stream
      .ofTypes('identity.session.revoked')
      .filter((event) => event.data.user_id === user.id)
      .map((event) => event.data);
    expect(revoked).toEqual([{ session_id: claimsOf(other.token).sid, user_id: user.id, reason: 'mfa_disabled' }]);
  });
});
