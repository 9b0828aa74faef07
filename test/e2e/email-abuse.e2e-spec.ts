import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, registerUser } from '../support/factories';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { authenticated, bearer, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

const DAY = 86_400;
const INVITED = /invited to join/i;
const RESET = /reset your password/i;
const VERIFY = /confirm your email/i;

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mail loops', () => {
  const t = useTestApp();
  const as = (token: string) => authenticated(t.api, token);
  const emailsTo = async (to: string) =>
    (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox_emails WHERE to_address = $1`, [to]))[0]?.n;

  it('cannot resend verification emails more than once a minute per account', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(200);
    const refused = await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(429);
    expect(refused.body).toEqual({
      code: 'rate_limited',
      message: expect.any(String),
      details: { retry_after: expect.any(Number) },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another session of the same account counts the same.
    const other = await loginAs(t.api, user);
    await t.api().post('/api/v1/resend-verification').set(bearer(other.token)).expect(429);
    expect(await emailsTo(user.email)).toBe(2); // registration's and one resend
  });

  it('cannot mail one recipient more than 3 invitations a day from one organization by inviting and revoking', async () => {
    const team = await createTeam(t.api);
    const victim = `victim-${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i++) {
      const { invitationId } = await invite(t.api, team.owner.token, victim, SYSTEM_ROLE_IDS.viewer);
      await as(team.owner.token).delete(`/api/v1/invitations/${invitationId}`).expect(200);
    }
    const refused = await as(team.owner.token)
      .post('/api/v1/invitations', { email: victim, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(DAY - 60);
    expect(await emailsTo(victim)).toBe(3);
    const listed = await as(team.owner.token).get('/api/v1/invitations').expect(200);
    expect(listed.body.invitations).toEqual([]);

    // Other recipients, and other organizations, are not held up.
    await invite(t.api, team.owner.token, `someone-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    const other = await createTeam(t.api);
    await invite(t.api, other.owner.token, victim, SYSTEM_ROLE_IDS.viewer);
  });
});

describe('resend-verification per day', () => {
  const t = useTestApp({ env: { RESEND_VERIFICATION_LIMIT: '100/1m,10/1d' } });

  it('stops at 10 a day per account', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    for (let i = 0; i < 10; i++) await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(200);
    const refused = await t.api().post('/api/v1/resend-verification').set(bearer(session.token)).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(DAY - 60);
  });
});

describe('password-reset emails during an invitation flood over a slow mail relay', () => {
  // Each message takes the relay 150 ms: 40 invitations take the bulk lane at least 6 s.
  const smtp = new SmtpSink({ delayMs: 150 });
  let port: number;
  beforeAll(async () => {
    port = await smtp.start();
  });
  const t = useTestApp(() => ({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_POLL_INTERVAL_MS: '100' } }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('delivers the reset link without waiting behind the invitations', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    await smtp.waitFor(user.email, VERIFY);
    for (let i = 0; i < 40; i++)
      await invite(t.api, team.owner.token, `flood-${i}-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    await waitUntil(() => smtp.received.some((email) => INVITED.test(email.subject)));

    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    const reset = await smtp.waitFor(user.email, RESET);
    const invitationsSent = smtp.received.filter((email) => INVITED.test(email.subject)).length;
    expect(invitationsSent).toBeLessThan(40);
    await t
      .api()
      .post('/api/v1/password/reset')
      .send({ token: tokenFrom(reset), password: 'reset-during-flood' })
      .expect(200);
  });
});

describe('tokens at rest and in logs', () => {
  const smtp = new SmtpSink();
  let port: number;
  beforeAll(async () => {
    port = await smtp.start();
  });
  const t = useTestApp(() => ({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_POLL_INTERVAL_MS: '100' } }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('keeps no live token in a sent email: a database read yields none, and the emailed link still works', async () => {
    const user = await registerUser(t.api);
    const verify = tokenFrom(await smtp.waitFor(user.email, VERIFY));
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    const reset = tokenFrom(await smtp.waitFor(user.email, RESET));
    const team = await createTeam(t.api);
    const invitee = `invitee-${randomUUID()}@example.com`;
    await invite(t.api, team.owner.token, invitee, SYSTEM_ROLE_IDS.viewer);
    const accept = tokenFrom(await smtp.waitFor(invitee, INVITED));

    await waitUntil(async () => {
      const [row] = await t.dataSource.query<{ unsent: number }[]>(
        `SELECT count(*)::int AS unsent FROM outbox_emails WHERE to_address IN ($1, $2) AND sent_at IS NULL`,
        [user.email, invitee],
      );
      return row?.unsent === 0;
    });
    const stored = JSON.stringify(
      await t.dataSource.query(`SELECT * FROM outbox_emails WHERE to_address IN ($1, $2)`, [user.email, invitee]),
    );
    for (const token of [verify, reset, accept]) expect(stored).not.toContain(token);
    expect(stored).toContain('token=[redacted]');

    await t.api().post('/api/v1/verify-email').send({ token: verify }).expect(200);
    await t.api().post('/api/v1/password/reset').send({ token: reset, password: 'after-redaction' }).expect(200);
  });

  it('redacts a token in a URL from every log line, the request line included', async () => {
    const secret = `leaked-${randomUUID()}`;
    // The link of a verification email, answered by the service's own page (HOSTED_PAGES).
    await t.api().get(`/verify-email?token=${secret}`).expect(200);
    const refreshed = await t.api().post(`/api/v1/refresh-token?refresh_token=${secret}&x=1`).send({ refresh_token: 'x' });
    expect([400, 401]).toContain(refreshed.status);
    await t.api().get(`/api/v1/me?access_token=${secret}`).expect(401);
    const logs = t.rawLogs();
    expect(logs).not.toContain(secret);
    const urls = t.logs.filter((line) => line.msg === 'request completed').map((line) => (line.req as { url: string }).url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/verify-email?token=[redacted]',
        '/api/v1/refresh-token?refresh_token=[redacted]&x=1',
        '/api/v1/me?access_token=[redacted]',
      ]),
    );
  });
});
