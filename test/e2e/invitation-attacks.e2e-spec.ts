import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, newCredentials, registerUser } from '../support/factories';
import { addTeammate, authenticated, bearer, createTeam, invite } from '../support/team';
import { TestAppHandle, useTestApp } from '../support/test-app';

const accept = (t: TestAppHandle, body: object, token?: string) => {
  const request = t.api().post('/api/v1/invitations/accept');
  if (token) request.set(bearer(token));
  return request.send(body);
};

/** The token in the newest unsent email to `to` whose link goes to `path` (no SMTP here: the outbox keeps it). */
async function emailedToken(t: TestAppHandle, to: string, path: string): Promise<string> {
  const rows = await t.dataSource.query<{ text_body: string }[]>(
    `SELECT text_body FROM outbox_emails WHERE to_address = $1 AND text_body LIKE $2 ORDER BY created_at DESC LIMIT 1`,
    [to, `%${path}?token=%`],
  );
  return /token=([A-Za-z0-9_-]+)/.exec(rows[0]?.text_body ?? '')?.[1] as string;
}

describe('invitations cannot be used to take over or create accounts', () => {
  const t = useTestApp();
  const as = (token: string) => authenticated(t.api, token);

  it('gives the inviter no verified account at somebody else’s address, and the mailbox’s owner recovers it', async () => {
    const attacker = await createTeam(t.api);
    const victim = `ceo-${randomUUID().slice(0, 8)}@victim.example`;
    const { acceptToken } = await invite(t.api, attacker.owner.token, victim, SYSTEM_ROLE_IDS.viewer);
    await accept(t, { token: acceptToken, name: 'Not The CEO', password: 'attacker-password' }).expect(200);
    const planted = await loginAs(t.api, { email: victim, password: 'attacker-password' });
    // The inviter saw the accept token: it proves no mailbox, so the address stays unverified.
    expect(planted.user.email_verified_at).toBeNull();

    // The real owner of the mailbox takes the account back with a reset link.
    await t.api().post('/api/v1/password/forgot').send({ username: victim }).expect(200);
    const reset = await emailedToken(t, victim, '/reset-password');
    await t.api().post('/api/v1/password/reset').send({ token: reset, password: 'the-real-ceo-password' }).expect(200);
    await t.api().get('/api/v1/me').set(bearer(planted.token)).expect(401);
    const owner = await loginAs(t.api, { email: victim, password: 'the-real-ceo-password' });
    expect(owner.user.email_verified_at).toEqual(expect.any(String));
  });

  it('does not hand a pre-registered impostor the membership meant for the mailbox’s owner', async () => {
    const corp = await createTeam(t.api);
    const impostor = await registerUser(t.api, { email: `bob-${randomUUID().slice(0, 8)}@corp.example` });
    const { acceptToken } = await invite(t.api, corp.owner.token, impostor.email, SYSTEM_ROLE_IDS.developer);

    // Bob follows the link from his mailbox: the token alone no longer joins the impostor's account.
    const refused = await accept(t, { token: acceptToken }).expect(401);
    expect(refused.body).toEqual({ code: 'sign_in_required', message: expect.any(String), details: null });
    const impostorSession = await loginAs(t.api, impostor);
    expect(impostorSession.organizations.map((o) => o.id)).not.toContain(corp.organizationId);

    // Bob proves the mailbox, takes the account over (the impostor's sessions die), then accepts.
    await t.api().post('/api/v1/password/forgot').send({ username: impostor.email }).expect(200);
    const reset = await emailedToken(t, impostor.email, '/reset-password');
    await t.api().post('/api/v1/password/reset').send({ token: reset, password: 'bobs-own-password' }).expect(200);
    await t.api().get('/api/v1/me').set(bearer(impostorSession.token)).expect(401);
    const bob = await loginAs(t.api, { email: impostor.email, password: 'bobs-own-password' });
    const joined = await accept(t, { token: acceptToken }, bob.token).expect(200);
    expect(joined.body.member.role.key).toBe('developer');
  });

  it('does not let an inviter enrol an existing user without consent; the user, signed in, accepts', async () => {
    const team = await createTeam(t.api);
    const user = await registerUser(t.api);
    const { acceptToken } = await invite(t.api, team.owner.token, user.email, SYSTEM_ROLE_IDS.viewer);

    expect((await accept(t, { token: acceptToken }).expect(401)).body.code).toBe('sign_in_required');
    const asInviter = await accept(t, { token: acceptToken }, team.owner.token).expect(403);
    expect(asInviter.body.code).toBe('forbidden');
    await accept(t, { token: acceptToken }, 'not.a-valid.token').expect(401);
    const members = await as(team.owner.token).get('/api/v1/members').expect(200);
    expect(members.body.members).toHaveLength(1);

    const session = await loginAs(t.api, user);
    await accept(t, { token: acceptToken }, session.token).expect(200);
  });

  it('refuses a signed-in caller who accepts an invitation for an address without an account', async () => {
    const team = await createTeam(t.api);
    const bystander = await registerUser(t.api);
    const invitee = newCredentials();
    const { acceptToken } = await invite(t.api, team.owner.token, invitee.email, SYSTEM_ROLE_IDS.viewer);
    const session = await loginAs(t.api, bystander);
    await accept(t, { token: acceptToken, name: invitee.name, password: invitee.password }, session.token).expect(403);
    await accept(t, { token: acceptToken, name: invitee.name, password: invitee.password }).expect(200);
  });

  it('keeps an invitation to at most 720 hours', async () => {
    const team = await createTeam(t.api);
    const body = (hours: number) => ({
      email: `${randomUUID()}@example.com`,
      role_id: SYSTEM_ROLE_IDS.viewer,
      expires_in_hours: hours,
    });
    for (const hours of [721, 8760]) {
      const response = await as(team.owner.token).post('/api/v1/invitations', body(hours)).expect(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['expires_in_hours']);
    }
    const created = await as(team.owner.token).post('/api/v1/invitations', body(720)).expect(200);
    const { expires_at, created_at } = created.body.invitation;
    expect(Math.round((Date.parse(expires_at) - Date.parse(created_at)) / 3_600_000)).toBe(720);
  });

  it('kills the invitations of an inviter who is removed or loses members.invite, and lists them as revoked', async () => {
    const team = await createTeam(t.api);
    const admin = await addTeammate(t.api, team.owner.token, 'admin');
    const removedInviter = await invite(t.api, admin.token, `r-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    const demotedInviter = await addTeammate(t.api, team.owner.token, 'admin');
    const demoted = await invite(t.api, demotedInviter.token, `d-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    const stillValid = await invite(t.api, team.owner.token, `v-${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);

    await as(team.owner.token).delete(`/api/v1/members/${admin.memberId}`).expect(200);
    await as(team.owner.token)
      .patch(`/api/v1/members/${demotedInviter.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(200);

    for (const dead of [removedInviter, demoted]) {
      const refused = await accept(t, { token: dead.acceptToken, name: 'Late', password: 'late-password' }).expect(401);
      expect(refused.body.code).toBe('unauthorized');
    }
    const listed = await as(team.owner.token).get('/api/v1/invitations').expect(200);
    const statuses = Object.fromEntries(listed.body.invitations.map((i: { id: string; status: string }) => [i.id, i.status]));
    expect(statuses).toMatchObject({
      [removedInviter.invitationId]: 'revoked',
      [demoted.invitationId]: 'revoked',
      [stillValid.invitationId]: 'pending',
    });

    // Someone who still may invite sends a new one, which replaces the revoked invitation.
    const email = listed.body.invitations.find((i: { id: string }) => i.id === demoted.invitationId).email as string;
    const renewed = await invite(t.api, team.owner.token, email, SYSTEM_ROLE_IDS.viewer);
    await accept(t, { token: renewed.acceptToken, name: 'On Time', password: 'on-time-password' }).expect(200);
    await accept(t, { token: stillValid.acceptToken, name: 'Valid', password: 'valid-password' }).expect(200);
  });
});

describe('invitations with INVITATION_TOKEN_IN_RESPONSE=false', () => {
  const t = useTestApp({ env: { INVITATION_TOKEN_IN_RESPONSE: 'false' } });

  it('keeps the accept token out of the answer; the emailed token creates a verified account', async () => {
    const team = await createTeam(t.api);
    const invitee = newCredentials();
    const created = await authenticated(t.api, team.owner.token)
      .post('/api/v1/invitations', { email: invitee.email, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(200);
    expect(Object.keys(created.body)).toEqual(['invitation']);

    const token = await emailedToken(t, invitee.email, '/accept-invitation');
    await accept(t, { token, name: invitee.name, password: invitee.password }).expect(200);
    // Only the mailbox saw this token: the address is proven.
    expect((await loginAs(t.api, invitee)).user.email_verified_at).toEqual(expect.any(String));
  });
});

describe('invitations with REQUIRE_VERIFIED_EMAIL=true', () => {
  const t = useTestApp({ env: { REQUIRE_VERIFIED_EMAIL: 'true' } });

  const setVerified = (id: string, verified: boolean) =>
    t.dataSource.query(`UPDATE users SET email_verified_at = ${verified ? 'now()' : 'NULL'} WHERE id = $1`, [id]);

  it('lets an existing account accept only once its address is verified', async () => {
    const inviter = await registerUser(t.api);
    await setVerified(inviter.id, true);
    const team = await loginAs(t.api, inviter);
    const user = await registerUser(t.api);
    const { acceptToken } = await invite(t.api, team.token, user.email, SYSTEM_ROLE_IDS.viewer);
    // Login refuses an unverified account now; a session from before the rule was turned on remains.
    await setVerified(user.id, true);
    const session = await loginAs(t.api, user);
    await setVerified(user.id, false);

    const refused = await accept(t, { token: acceptToken }, session.token).expect(403);
    expect(refused.body.code).toBe('email_not_verified');
    await t
      .api()
      .post('/api/v1/verify-email')
      .send({ token: await emailedToken(t, user.email, '/verify-email') })
      .expect(200);
    await accept(t, { token: acceptToken }, session.token).expect(200);
  });
});
