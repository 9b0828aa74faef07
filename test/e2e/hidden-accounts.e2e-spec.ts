import { loginAs, newCredentials, registerUser } from '../support/factories';
import { SmtpSink } from '../support/smtp-sink';
import { useTestApp } from '../support/test-app';

const EXISTS = /already have an account/i;
const RESET = /reset your password/i;

describe('with LOGIN_HIDE_UNKNOWN_ACCOUNTS=true, someone probing which emails have accounts', () => {
  const smtp = new SmtpSink();
  let port: number;
  beforeAll(async () => {
    port = await smtp.start();
  });
  const t = useTestApp(() => ({
    env: { LOGIN_HIDE_UNKNOWN_ACCOUNTS: 'true', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_POLL_INTERVAL_MS: '100' },
  }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('learns nothing from registering a taken email: same status and shape, and the owner is told by email', async () => {
    const owner = await registerUser(t.api);
    const fresh = newCredentials();
    const created = await t
      .api()
      .post('/api/v1/register')
      .send({ name: fresh.name, username: fresh.email, password: fresh.password })
      .expect(200);
    const taken = await t
      .api()
      .post('/api/v1/register')
      .send({ name: 'Prober', username: owner.email.toUpperCase(), password: 'prober-password' })
      .expect(200);

    const shape = (body: { user: Record<string, unknown> }) =>
      Object.fromEntries(Object.entries(body.user).map(([key, value]) => [key, value === null ? 'null' : typeof value]));
    expect(Object.keys(taken.body)).toEqual(Object.keys(created.body));
    expect(shape(taken.body)).toEqual(shape(created.body));
    expect(taken.body.user).toMatchObject({ name: 'Prober', email: owner.email, role: 'admin', email_verified_at: null });
    expect(taken.body.user.id).not.toBe(owner.id);

    const notice = await smtp.waitFor(owner.email, EXISTS);
    expect(notice.text).toContain('nothing was created');
    // The account is untouched: the owner's password still works, the prober's does not.
    await loginAs(t.api, owner);
    await t.api().post('/api/v1/login').send({ username: owner.email, password: 'prober-password' }).expect(401);
  });

  it('learns nothing from the time forgot-password takes: the email work happens after the answer', async () => {
    const owner = await registerUser(t.api);
    const unknown = newCredentials().email;
    // The reset token and its email cannot be written while this lock is held: if forgot-password
    // did that work before answering (a known account took about 5 ms against 1 ms, before), the
    // known account's answer would wait for the lock. Both answer at once instead.
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query('LOCK TABLE email_tokens IN ACCESS EXCLUSIVE MODE');
      for (const email of [owner.email, unknown]) {
        const response = await t.api().post('/api/v1/password/forgot').timeout(10_000).send({ username: email }).expect(200);
        expect(response.body).toEqual({ sent: true });
      }
      expect(smtp.countTo(owner.email, RESET)).toBe(0);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await smtp.waitFor(owner.email, RESET);
    expect(smtp.countTo(unknown, /./)).toBe(0);
  });
});
