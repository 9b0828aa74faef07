import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OutboxRepository } from '../../src/mail/outbox.repository';
import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, newCredentials, registerUser } from '../support/factories';
import { freePort } from '../support/service-process';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { bearer } from '../support/team';
import { createTestApp, useTestApp } from '../support/test-app';

const VERIFY = /confirm your email/i;
const RESET = /reset your password/i;
const MAIL_ENV = { MAIL_POLL_INTERVAL_MS: '100', MAIL_RETRY_BASE_MS: '100', PUBLIC_URL: 'https://app.example.com' };

describe('email verification and password recovery over SMTP', () => {
  const smtp = new SmtpSink();
  let port: number;

  beforeAll(async () => {
    port = await smtp.start();
  });
  const t = useTestApp(() => ({
    env: { ...MAIL_ENV, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Togul <no-reply@togul.test>' },
  }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('sends a verification email on registration whose link verifies the address once', async () => {
    const user = await registerUser(t.api);
    const email = await smtp.waitFor(user.email, VERIFY);
    expect(email.from).toContain('no-reply@togul.test');
    expect(email.text).toContain('https://app.example.com/verify-email?token=');
    expect(email.html).toContain('https://app.example.com/verify-email?token=');
    const token = tokenFrom(email);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

    expect((await t.api().post('/api/v1/verify-email').send({ token }).expect(200)).body).toEqual({ verified: true });
    const session = await loginAs(t.api, user);
    expect(session.user.email_verified_at).toEqual(expect.stringMatching(/Z$/));

    const again = await t.api().post('/api/v1/verify-email').send({ token }).expect(401);
    expect(again.body).toEqual({ code: 'unauthorized', message: expect.any(String), details: null });
  });

  it('stores only a hash of the token', async () => {
    const user = await registerUser(t.api);
    const token = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    const rows = await t.dataSource.query<{ token_hash: string }[]>('SELECT token_hash FROM email_tokens WHERE user_id = $1', [
      user.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);
  });

  it('refuses an expired verification token', async () => {
    const user = await registerUser(t.api);
    const token = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    await t.dataSource.query(`UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    await t.api().post('/api/v1/verify-email').send({ token }).expect(401);
  });

  it('invalidates the older verification link when a new one is sent, and answers 409 once verified', async () => {
    const user = await registerUser(t.api);
    const first = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    const session = await loginAs(t.api, user);
    expect((await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(200)).body).toEqual({
      sent: true,
    });
    await waitUntil(() => smtp.countTo(user.email, VERIFY) === 2);
    const second = tokenFrom(smtp.received.filter((e) => e.to === user.email && VERIFY.test(e.subject))[1]);

    await t.api().post('/api/v1/verify-email').send({ token: first }).expect(401);
    await t.api().post('/api/v1/verify-email').send({ token: second }).expect(200);
    const response = await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(409);
    expect(response.body.code).toBe('already_verified');
  });

  it('answers forgot-password the same for known and unknown accounts, and mails only the known one', async () => {
    const user = await registerUser(t.api);
    const unknown = newCredentials().email;
    const known = await t.api().post('/api/v1/password/forgot').send({ username: user.email.toUpperCase() }).expect(200);
    const missing = await t.api().post('/api/v1/password/forgot').send({ username: unknown }).expect(200);
    expect(known.body).toEqual({ sent: true });
    expect(missing.body).toEqual(known.body);
    await smtp.waitFor(user.email, RESET);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.countTo(unknown, /./)).toBe(0);
  });

  it('resets the password with the emailed token once, revoking every session', async () => {
    const user = await registerUser(t.api);
    const sessions = [await loginAs(t.api, user), await loginAs(t.api, user)];
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    const token = tokenFrom(await smtp.waitFor(user.email, RESET));
    expect((await smtp.waitFor(user.email, RESET)).text).toContain('https://app.example.com/reset-password?token=');

    const response = await t.api().post('/api/v1/password/reset').send({ token, password: 'brand-new-password' }).expect(200);
    expect(response.body).toEqual({ reset: true });
    for (const session of sessions) await t.api().get('/api/v1/organizations').set(bearer(session.token)).expect(401);
    await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);
    await loginAs(t.api, { email: user.email, password: 'brand-new-password' });
    await t.api().post('/api/v1/password/reset').send({ token, password: 'another-new-password' }).expect(401);
  });

  it('invalidates an older reset link when a newer one is sent, and refuses an expired one', async () => {
    const user = await registerUser(t.api);
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    await waitUntil(() => smtp.countTo(user.email, RESET) === 1);
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    await waitUntil(() => smtp.countTo(user.email, RESET) === 2);
    const [older, newer] = smtp.received.filter((e) => e.to === user.email && RESET.test(e.subject)).map(tokenFrom);

    await t.api().post('/api/v1/password/reset').send({ token: older, password: 'new-password-1' }).expect(401);
    await t.dataSource.query(
      `UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'password_reset'`,
      [user.id],
    );
    await t.api().post('/api/v1/password/reset').send({ token: newer, password: 'new-password-1' }).expect(401);
  });

  it('changes the password with the current one, revoking every other session but the caller', async () => {
    const user = await registerUser(t.api);
    const [mine, other] = [await loginAs(t.api, user), await loginAs(t.api, user)];

    const wrong = await t
      .api()
      .post('/api/v1/me/password')
      .set(bearer(mine.token))
      .send({ current_password: 'not-my-password', new_password: 'changed-password' })
      .expect(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    await t.api().get('/api/v1/organizations').set(bearer(other.token)).expect(200);

    const response = await t
      .api()
      .post('/api/v1/me/password')
      .set(bearer(mine.token))
      .send({ current_password: user.password, new_password: 'changed-password' })
      .expect(200);
    expect(response.body).toEqual({ changed: true });
    await t.api().get('/api/v1/organizations').set(bearer(other.token)).expect(401);
    await t.api().get('/api/v1/organizations').set(bearer(mine.token)).expect(200);
    await loginAs(t.api, { email: user.email, password: 'changed-password' });
  });

  it('emails an invitation whose link carries the accept token', async () => {
    const owner = await registerUser(t.api, { name: 'Inviting Owner' });
    const session = await loginAs(t.api, owner);
    const invitee = newCredentials().email;
    const created = await t
      .api()
      .post('/api/v1/invitations')
      .set(bearer(session.token))
      .send({ email: invitee, role_id: SYSTEM_ROLE_IDS.developer })
      .expect(200);
    const email = await smtp.waitFor(invitee, /invited to join Inviting Owner/);
    expect(email.text).toContain('as Developer');
    expect(email.text).toContain('https://app.example.com/accept-invitation?token=');
    expect(tokenFrom(email)).toBe(created.body.accept_token);
    await t
      .api()
      .post('/api/v1/invitations/accept')
      .send({ token: tokenFrom(email), name: 'Invitee', password: 'invitee-password' })
      .expect(200);
  });

  it.each([
    ['verify-email without a token', '/api/v1/verify-email', {}],
    ['verify-email with a number', '/api/v1/verify-email', { token: 42 }],
    ['forgot with a bad email', '/api/v1/password/forgot', { username: 'nobody' }],
    ['reset with a short password', '/api/v1/password/reset', { token: 'abc', password: 'short' }],
    ['reset with a 73-byte password', '/api/v1/password/reset', { token: 'abc', password: `${'é'.repeat(36)}x` }],
  ])('answers 400 invalid_request for %s', async (_case, path, body) => {
    const response = await t.api().post(path).send(body).expect(400);
    expect(response.body.code).toBe('invalid_request');
  });

  it('answers 401 for unknown tokens and needs a bearer token for resend and change', async () => {
    await t
      .api()
      .post('/api/v1/verify-email')
      .send({ token: 'A'.repeat(43) })
      .expect(401);
    await t
      .api()
      .post('/api/v1/password/reset')
      .send({ token: 'A'.repeat(43), password: 'whatever-password' })
      .expect(401);
    await t.api().post('/api/v1/resend-verification').expect(401);
    await t.api().post('/api/v1/me/password').send({ current_password: 'x', new_password: 'yyyyyyyy' }).expect(401);
  });

  it('claims each outbox email for exactly one worker when several claim at once', async () => {
    const outbox = t.app.get(OutboxRepository);
    await t.dataSource.query(
      `INSERT INTO outbox_emails (to_address, subject, text_body, html_body, next_attempt_at)
       SELECT 'claim-' || g || '@example.com', 'claim test', 'x', 'x', now() + interval '1 hour' FROM generate_series(1, 20) g`,
    );
    await t.dataSource.query(`UPDATE outbox_emails SET next_attempt_at = now() WHERE subject = 'claim test'`);
    const claims = await Promise.all([
      outbox.claimDue('account', 20, 60),
      outbox.claimDue('account', 20, 60),
      outbox.claimDue('account', 20, 60),
    ]);
    const ids = claims.flat().map((email) => email.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(claims.flat().filter((email) => email.subject === 'claim test')).toHaveLength(20);
  });

  it('never writes an email token or a password to the log', async () => {
    const user = await registerUser(t.api);
    const verifyToken = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    const resetToken = tokenFrom(await smtp.waitFor(user.email, RESET));
    await t.api().post('/api/v1/password/reset').send({ token: resetToken, password: 'logged-never-pw' }).expect(200);
    const logs = t.rawLogs();
    expect(logs).toContain('email sent');
    for (const secret of [verifyToken, resetToken, user.password, 'logged-never-pw']) expect(logs).not.toContain(secret);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  const smtp = new SmtpSink();
  let port: number;

  beforeAll(async () => {
    port = await smtp.start();
  });
  const t = useTestApp(() => ({ env: { ...MAIL_ENV, SMTP_URL: `smtp://127.0.0.1:${port}`, REQUIRE_VERIFIED_EMAIL: 'true' } }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('refuses login with 403 email_not_verified until the address is verified, and only after a right password', async () => {
    const user = await registerUser(t.api);
    const refused = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(403);
    expect(refused.body).toEqual({ code: 'email_not_verified', message: expect.any(String), details: null });
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);

    const token = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    await t.api().post('/api/v1/verify-email').send({ token }).expect(200);
    await loginAs(t.api, user);
  });
});

describe('the outbox when SMTP is down', () => {
  it('registers anyway and delivers the email once SMTP is back', async () => {
    const port = await freePort();
    const t = await createTestApp({ env: { ...MAIL_ENV, SMTP_URL: `smtp://127.0.0.1:${port}` } });
    const smtp = new SmtpSink();
    try {
      const user = await registerUser(t.api);
      await waitUntil(async () => {
        const [row] = await t.dataSource.query<{ attempts: number }[]>(
          'SELECT attempts FROM outbox_emails WHERE to_address = $1',
          [user.email],
        );
        return row.attempts >= 2;
      });
      await smtp.start(port);
      await smtp.waitFor(user.email, VERIFY);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(smtp.countTo(user.email, VERIFY)).toBe(1);
      const [row] = await t.dataSource.query<{ sent_at: Date | null; last_error: string | null }[]>(
        'SELECT sent_at, last_error FROM outbox_emails WHERE to_address = $1',
        [user.email],
      );
      expect(row.sent_at).not.toBeNull();
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('keeps unsent emails across a restart of the app and sends them after it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'identity-outbox-'));
    const port = await freePort();
    const env = { ...MAIL_ENV, DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${port}` };
    const smtp = new SmtpSink();
    try {
      const first = await createTestApp({ env });
      const user = await registerUser(first.api);
      await first.close({ keepDatabase: true });

      await smtp.start(port);
      const second = await createTestApp({ env, databaseOf: first });
      try {
        const email = await smtp.waitFor(user.email, VERIFY);
        await second
          .api()
          .post('/api/v1/verify-email')
          .send({ token: tokenFrom(email) })
          .expect(200);
      } finally {
        await second.close();
      }
    } finally {
      await smtp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('without SMTP_URL in development', () => {
  it('writes the email with its link to a file of MAIL_DROP_DIR, never to the log', async () => {
    const dropDir = await mkdtemp(join(tmpdir(), 'identity-mail-'));
    const t = await createTestApp({ env: { ...MAIL_ENV, NODE_ENV: 'development', MAIL_DROP_DIR: dropDir } });
    try {
      const user = await registerUser(t.api);
      const written = () =>
        t.logs.find((line) => line.msg === 'email written to MAIL_DROP_DIR (development: not sent)' && line.to === user.email);
      await waitUntil(() => written() !== undefined);
      const { file } = written() as { file: string };
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const message = await readFile(file, 'utf8');
      expect(message).toContain(`To: ${user.email}`);
      expect(message).toContain('Subject: Confirm your email address');
      const token = /token=([A-Za-z0-9_-]+)/.exec(message)?.[1] as string;
      expect(JSON.stringify(t.logs)).not.toContain(token);
      await t.api().post('/api/v1/verify-email').send({ token }).expect(200);
    } finally {
      await t.close();
      await rm(dropDir, { recursive: true, force: true });
    }
  });
});
