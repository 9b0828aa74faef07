import { createHash, randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { MACHINE_NATS_URL } from '../support/event-stream';
import { loginAs, LoginResult, newCredentials, registerUser } from '../support/factories';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { authenticated, bearer, createTeam, invite } from '../support/team';
import { TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

const METRICS_TOKEN = 'metrics-token-for-retention-tests-0123';

/** Polls `check` until it holds (the sweep runs every second here); fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const exists = async (t: TestAppHandle, table: string, id: string) =>
  (await t.dataSource.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).length > 0;

/** The retention sweep's counter, as /metrics shows it. */
async function deletedCount(t: TestAppHandle, kind: string): Promise<number> {
  const response = await t.api().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
  const line = response.text.split('\n').find((entry) => entry.startsWith(`identity_retention_deleted_total{kind="${kind}"}`));
  return Number(line?.split(' ').pop());
}

/** A well-formed answer of no passkey the service knows. */
const NOT_A_PASSKEY = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
};

/** A passwordless sign-in's challenge: its token and its row's id. */
async function passkeyChallenge(t: TestAppHandle): Promise<{ token: string; id: string }> {
  const options = await t.api().post('/api/v1/login/passkey/options').send({}).expect(200);
  const token = options.body.challenge_token as string;
  const [row] = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM webauthn_challenges WHERE token_hash = $1`, [
    createHash('sha256').update(token).digest('hex'),
  ]);
  return { token, id: row.id };
}

describe('the retention sweep, with every retention set to one second', () => {
  const smtp = new SmtpSink();
  let smtpPort = 0;
  beforeAll(async () => {
    smtpPort = await smtp.start();
  });
  const t = useTestApp(() => ({
    env: {
      SESSION_RETENTION: '1s',
      EMAIL_TOKEN_RETENTION: '1s',
      OUTBOX_RETENTION: '1s',
      INVITATION_RETENTION: '1s',
      AUDIT_RETENTION: '1d',
      RETENTION_SWEEP_INTERVAL: '1s',
      RETENTION_BATCH_SIZE: '2',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_POLL_INTERVAL_MS: '100',
      MAIL_RETRY_BASE_MS: '600000',
      // Every run on this machine shares its NATS server: this app's JWT_ISSUER is its own.
      NATS_URL: MACHINE_NATS_URL,
      JWT_ISSUER: `identity-retention-test-${randomUUID()}`,
      METRICS_TOKEN,
    },
  }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('removes ended sessions, used and expired email tokens and passkey challenges, sent emails, published events, finished invitations and old audit events, and keeps live ones', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    const sid = (session: LoginResult) => claimsOf(session.token).sid as string;

    // Finished: a used verification token, an expired one, a logged-out session, an expired one.
    const verification = await smtp.waitFor(user.email, /confirm your email/i);
    await t
      .api()
      .post('/api/v1/verify-email')
      .send({ token: tokenFrom(verification) })
      .expect(200);
    const [usedToken] = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM email_tokens WHERE user_id = $1 AND used_at IS NOT NULL`,
      [user.id],
    );
    // The team owner's verification token, never used, past its end.
    const [lapsedToken] = await t.dataSource.query<{ id: string }[]>(
      `UPDATE email_tokens SET expires_at = now() - interval '2 seconds' WHERE user_id = $1 RETURNING id`,
      [team.owner.id],
    );
    const loggedOut = await loginAs(t.api, user);
    await authenticated(t.api, loggedOut.token).post('/api/v1/logout', {}).expect(200);
    const expired = await loginAs(t.api, user);
    // Its end, moved into the past: as if REFRESH_TOKEN_TTL had passed without a refresh.
    await t.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '2 seconds' WHERE id = $1`, [sid(expired)]);
    // An accepted invitation, and one that expired unaccepted.
    const invitee = newCredentials();
    const accepted = await invite(t.api, team.owner.token, invitee.email, SYSTEM_ROLE_IDS.viewer);
    await t
      .api()
      .post('/api/v1/invitations/accept')
      .send({ token: accepted.acceptToken, name: invitee.name, password: invitee.password })
      .expect(200);
    const lapsed = await invite(t.api, team.owner.token, `lapsed-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    await t.dataSource.query(`UPDATE invitations SET expires_at = now() - interval '2 seconds' WHERE id = $1`, [
      lapsed.invitationId,
    ]);
    // A passkey sign-in challenge used up by a refused answer.
    const usedChallenge = await passkeyChallenge(t);
    await t
      .api()
      .post('/api/v1/login/passkey')
      .send({ challenge_token: usedChallenge.token, credential: NOT_A_PASSKEY })
      .expect(401);
    // An audit event of three days ago (AUDIT_RETENTION is 1d).
    const [oldEvent] = await t.dataSource.query<{ id: string }[]>(
      `INSERT INTO audit_events (type, actor_user_id, occurred_at) VALUES ('test.old', $1, now() - interval '3 days') RETURNING id`,
      [user.id],
    );

    // Live: a session in use, an unused reset token, a pending invitation, an email still waiting for its server.
    const live = await loginAs(t.api, user);
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    await smtp.waitFor(user.email, /reset/i);
    const [resetToken] = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM email_tokens WHERE user_id = $1 AND purpose = 'password_reset'`,
      [user.id],
    );
    const pending = await invite(t.api, team.owner.token, `pending-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    const liveChallenge = await passkeyChallenge(t);
    await smtp.stop();
    const waiting = await registerUser(t.api);
    await eventually('the email to the new account failed once and waits', async () => {
      const rows = await t.dataSource.query(
        `SELECT 1 FROM outbox_emails WHERE to_address = $1 AND last_error IS NOT NULL AND sent_at IS NULL`,
        [waiting.email],
      );
      return rows.length === 1;
    });

    await eventually('every finished row is gone', async () => {
      const left = await Promise.all([
        exists(t, 'email_tokens', usedToken.id),
        exists(t, 'email_tokens', lapsedToken.id),
        exists(t, 'sessions', sid(loggedOut)),
        exists(t, 'sessions', sid(expired)),
        exists(t, 'invitations', accepted.invitationId),
        exists(t, 'invitations', lapsed.invitationId),
        exists(t, 'audit_events', oldEvent.id),
        exists(t, 'webauthn_challenges', usedChallenge.id),
        t.dataSource.query(`SELECT 1 FROM outbox_emails WHERE sent_at < now() - interval '3 seconds'`).then((r) => r.length > 0),
        t.dataSource
          .query(`SELECT 1 FROM outbox_events WHERE published_at < now() - interval '3 seconds'`)
          .then((r) => r.length > 0),
      ]);
      return left.every((found) => !found);
    });

    expect(await exists(t, 'sessions', sid(live))).toBe(true);
    await t.api().get('/api/v1/me').set(bearer(live.token)).expect(200);
    expect(await exists(t, 'email_tokens', resetToken.id)).toBe(true);
    expect(await exists(t, 'invitations', pending.invitationId)).toBe(true);
    expect(await exists(t, 'webauthn_challenges', liveChallenge.id)).toBe(true);
    const waitingEmails = await t.dataSource.query(`SELECT 1 FROM outbox_emails WHERE to_address = $1`, [waiting.email]);
    expect(waitingEmails).toHaveLength(1);
    const recent = await t.dataSource.query(`SELECT 1 FROM audit_events WHERE actor_user_id = $1 AND type = 'login.succeeded'`, [
      user.id,
    ]);
    expect(recent.length).toBeGreaterThan(0);

    for (const kind of ['session', 'email_token', 'webauthn_challenge', 'email', 'event', 'invitation', 'audit_event'])
      expect(await deletedCount(t, kind)).toBeGreaterThan(0);
  }, 60_000);
});

describe('the retention settings', () => {
  const t = useTestApp({ env: { METRICS_TOKEN } });

  it('keep everything young by default, and show each kind at 0 until something goes', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);
    expect(await exists(t, 'sessions', claimsOf(session.token).sid as string)).toBe(true);
    for (const kind of ['session', 'email_token', 'webauthn_challenge', 'email', 'event', 'invitation', 'audit_event'])
      expect(await deletedCount(t, kind)).toBe(0);
  });
});
