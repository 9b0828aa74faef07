import { useMachineEventStream } from '../support/event-stream';
import { loginAs, LoginResult, registerUser } from '../support/factories';
import { bearer } from '../support/team';
import { TestAppHandle, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

const live = async (t: TestAppHandle, session: LoginResult) =>
  (await t.api().get('/api/v1/me').set(bearer(session.token))).status === 200;

describe('MAX_SESSIONS_PER_USER', () => {
  const events = useMachineEventStream('session-limit');
  const t = useTestApp({ env: { MAX_SESSIONS_PER_USER: '3', ...events.env } });

  it('revokes the least recently used session at the sign-in beyond the limit, audited and announced', async () => {
    const user = await registerUser(t.api);
    const first = await loginAs(t.api, user);
    const second = await loginAs(t.api, user);
    const third = await loginAs(t.api, user);
    // The first is used again (a refresh): the second is now the least recently used.
    const refreshed = (await t.api().post('/api/v1/refresh-token').send({ refresh_token: first.refresh_token }).expect(200))
      .body as LoginResult;

    const fourth = await loginAs(t.api, user);

    expect(await live(t, second)).toBe(false);
    expect([await live(t, refreshed), await live(t, third), await live(t, fourth)]).toEqual([true, true, true]);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: second.refresh_token }).expect(401);
    const listed = await t.api().get('/api/v1/me/sessions').set(bearer(fourth.token)).expect(200);
    expect(listed.body.sessions.map((session: { id: string }) => session.id).sort()).toEqual(
      [first, third, fourth].map((session) => claimsOf(session.token).sid).sort(),
    );

    const secondId = claimsOf(second.token).sid as string;
    const [stored] = await t.dataSource.query('SELECT revoked_reason FROM sessions WHERE id = $1', [secondId]);
    expect(stored).toEqual({ revoked_reason: 'session_limit' });
    const audited = await t.dataSource.query(
      `SELECT actor_user_id, organization_id, details FROM audit_events WHERE type = 'session.revoked' AND target_id = $1`,
      [secondId],
    );
    expect(audited).toEqual([
      { actor_user_id: user.id, organization_id: second.current_organization?.id, details: { reason: 'session_limit' } },
    ]);
    const revoked = await events.stream.waitFor('identity.session.revoked', secondId);
    expect(revoked.data).toEqual({ session_id: secondId, user_id: user.id, reason: 'session_limit' });
  });

  it('keeps at most the limit through many sign-ins, and leaves other users alone', async () => {
    const user = await registerUser(t.api);
    const other = await registerUser(t.api);
    const others = [await loginAs(t.api, other), await loginAs(t.api, other)];
    const sessions: LoginResult[] = [];
    for (let i = 0; i < 7; i++) sessions.push(await loginAs(t.api, user));

    const states = await Promise.all(sessions.map((session) => live(t, session)));
    expect(states).toEqual([false, false, false, false, true, true, true]);
    expect(await Promise.all(others.map((session) => live(t, session)))).toEqual([true, true]);
  });
});

describe('MAX_SESSIONS_PER_USER at its default of 100', () => {
  const t = useTestApp();

  it('revokes the first session at the 101st sign-in', async () => {
    const user = await registerUser(t.api);
    const first = await loginAs(t.api, user);
    for (let i = 0; i < 99; i++) await loginAs(t.api, user);
    expect(await live(t, first)).toBe(true);

    await loginAs(t.api, user);

    expect(await live(t, first)).toBe(false);
    const [{ count }] = await t.dataSource.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(Number(count)).toBe(100);
  }, 60_000);
});
