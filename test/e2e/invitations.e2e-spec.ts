import { createHash, randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs, newCredentials, registerUser } from '../support/factories';
import { addTeammate, authenticated, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const HOUR = 3_600_000;

describe('invitations', () => {
  const t = useTestApp();

  const as = (token: string) => authenticated(t.api, token);
  const accept = (body: object) => t.api().post('/api/v1/invitations/accept').send(body);
  /** An existing account accepts signed in as itself; answers the response once it has `status`. */
  const acceptAs = async (user: { email: string; password: string }, body: object, status: number) =>
    as((await loginAs(t.api, user)).token)
      .post('/api/v1/invitations/accept', body)
      .expect(status);

  it('answers the invitation and a random accept token stored only as its SHA-256', async () => {
    const team = await createTeam(t.api);
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const response = await as(team.owner.token)
      .post('/api/v1/invitations', { email, role_id: SYSTEM_ROLE_IDS.developer })
      .expect(200);
    expect(response.body).toEqual({
      invitation: {
        id: expect.any(String),
        email,
        role: expect.objectContaining({ id: SYSTEM_ROLE_IDS.developer, key: 'developer', is_system: true }),
        invited_by: team.owner.id,
        expires_at: expect.stringMatching(ISO_UTC),
        accepted_at: null,
        created_at: expect.stringMatching(ISO_UTC),
        status: 'pending',
      },
      accept_token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
    });
    const { invitation, accept_token: token } = response.body;
    const lifetime = Date.parse(invitation.expires_at) - Date.parse(invitation.created_at);
    expect(Math.round(lifetime / HOUR)).toBe(72);

    const [row] = await t.dataSource.query(`SELECT * FROM invitations WHERE id = $1`, [invitation.id]);
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await as(team.owner.token).get('/api/v1/invitations').expect(200);
    expect(listed.body).toEqual({ invitations: [invitation] });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(t.rawLogs()).not.toContain(token);
  });

  it('honours expires_in_hours and refuses bad bodies with 400 naming the field', async () => {
    const team = await createTeam(t.api);
    const created = await as(team.owner.token)
      .post('/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer, expires_in_hours: 1 })
      .expect(200);
    const { expires_at, created_at } = created.body.invitation;
    expect(Math.round((Date.parse(expires_at) - Date.parse(created_at)) / HOUR)).toBe(1);
    const email = `${randomUUID()}@example.com`;
    const bad: [object, string][] = [
      [{ role_id: SYSTEM_ROLE_IDS.viewer }, 'email'],
      [{ email: 'not-an-email', role_id: SYSTEM_ROLE_IDS.viewer }, 'email'],
      [{ email }, 'role_id'],
      [{ email, role_id: 'viewer' }, 'role_id'],
      [{ email, role_id: SYSTEM_ROLE_IDS.viewer, expires_in_hours: 0 }, 'expires_in_hours'],
      [{ email, role_id: SYSTEM_ROLE_IDS.viewer, expires_in_hours: 1.5 }, 'expires_in_hours'],
      [{ email, role_id: SYSTEM_ROLE_IDS.viewer, expires_in_hours: '3' }, 'expires_in_hours'],
      [{ email, role_id: randomUUID() }, 'role_id'],
    ];
    for (const [body, field] of bad) {
      const response = await as(team.owner.token).post('/api/v1/invitations', body).expect(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
  });

  it('answers 409 invitation_exists for a second pending invitation of the same email in any letter case', async () => {
    const team = await createTeam(t.api);
    const email = `Dup-${randomUUID().slice(0, 8)}@Example.com`;
    await invite(t.api, team.owner.token, email, SYSTEM_ROLE_IDS.viewer);
    const response = await as(team.owner.token)
      .post('/api/v1/invitations', { email: email.toLowerCase(), role_id: SYSTEM_ROLE_IDS.admin })
      .expect(409);
    expect(response.body).toEqual({ code: 'invitation_exists', message: expect.any(String), details: null });
    // Another organization may invite the same email.
    const other = await createTeam(t.api);
    await invite(t.api, other.owner.token, email, SYSTEM_ROLE_IDS.viewer);
  });

  it('answers 409 already_member when the email belongs to a member', async () => {
    const team = await createTeam(t.api);
    const member = await addTeammate(t.api, team.owner.token, 'viewer');
    for (const email of [member.email, member.email.toUpperCase(), team.owner.email]) {
      const response = await as(team.owner.token)
        .post('/api/v1/invitations', { email, role_id: SYSTEM_ROLE_IDS.viewer })
        .expect(409);
      expect(response.body.code).toBe('already_member');
    }
  });

  it('accepts with a new account: 400 without name or password, then the unverified account, the membership and a login', async () => {
    const team = await createTeam(t.api);
    const credentials = newCredentials();
    const { acceptToken, invitationId } = await invite(t.api, team.owner.token, credentials.email, SYSTEM_ROLE_IDS.analyst);
    for (const [body, fields] of [
      [{ token: acceptToken }, ['name', 'password']],
      [{ token: acceptToken, name: 'Only Name' }, ['password']],
      [{ token: acceptToken, password: credentials.password }, ['name']],
    ] as const) {
      const response = await accept(body).expect(400);
      expect(response.body.code).toBe('invalid_request');
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual(fields);
    }
    const short = await accept({ token: acceptToken, name: 'N', password: 'short' }).expect(400);
    expect(short.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['password']);

    const accepted = await accept({ token: acceptToken, name: credentials.name, password: credentials.password }).expect(200);
    expect(accepted.body).toMatchObject({
      accepted: true,
      member: { user: { email: credentials.email, name: credentials.name }, role: { key: 'analyst' } },
    });
    const session = await loginAs(t.api, credentials);
    // The inviter saw the accept token (INVITATION_TOKEN_IN_RESPONSE=true): it proves no mailbox.
    expect(session.user).toMatchObject({ role: 'admin', email_verified_at: null });
    expect(session.current_organization).toEqual({
      id: team.organizationId,
      slug: expect.any(String),
      name: expect.any(String),
      role: 'analyst',
    });
    expect(session.organizations).toHaveLength(1);

    const listed = await as(team.owner.token).get('/api/v1/invitations').expect(200);
    expect(listed.body.invitations.find((i: { id: string }) => i.id === invitationId).accepted_at).toMatch(ISO_UTC);
  });

  it('answers 401 for a used, revoked or unknown token and 400 invitation_expired for an expired one', async () => {
    const team = await createTeam(t.api);
    const existing = await registerUser(t.api);
    const { acceptToken } = await invite(t.api, team.owner.token, existing.email, SYSTEM_ROLE_IDS.viewer);
    await acceptAs(existing, { token: acceptToken }, 200);
    const used = await acceptAs(existing, { token: acceptToken }, 401);
    expect(used.body).toEqual({ code: 'unauthorized', message: expect.any(String), details: null });

    const revoked = await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    await as(team.owner.token).delete(`/api/v1/invitations/${revoked.invitationId}`).expect(200).expect({ deleted: true });
    await as(team.owner.token).delete(`/api/v1/invitations/${revoked.invitationId}`).expect(404);
    await accept({ token: revoked.acceptToken, name: 'N', password: 'long-enough-password' }).expect(401);
    await accept({ token: 'x'.repeat(43) }).expect(401);

    const expiring = await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    await t.dataSource.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expiring.invitationId,
    ]);
    const expired = await accept({ token: expiring.acceptToken, name: 'N', password: 'long-enough-password' }).expect(400);
    expect(expired.body).toEqual({ code: 'invitation_expired', message: expect.any(String), details: null });
    for (const body of [{}, { token: '' }, { token: 42 }]) await accept(body).expect(400);
  });

  it('lists pending, accepted and expired invitations with their status, and an expired one makes room for a new invitation', async () => {
    const team = await createTeam(t.api);
    const existing = await registerUser(t.api);
    const accepted = await invite(t.api, team.owner.token, existing.email, SYSTEM_ROLE_IDS.viewer);
    await acceptAs(existing, { token: accepted.acceptToken }, 200);
    const expiredEmail = `${randomUUID()}@example.com`;
    const expired = await invite(t.api, team.owner.token, expiredEmail, SYSTEM_ROLE_IDS.viewer);
    await t.dataSource.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expired.invitationId,
    ]);
    const pending = await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);

    const listed = await as(team.owner.token).get('/api/v1/invitations').expect(200);
    const statuses = Object.fromEntries(listed.body.invitations.map((i: { id: string; status: string }) => [i.id, i.status]));
    expect(statuses).toEqual({
      [accepted.invitationId]: 'accepted',
      [expired.invitationId]: 'expired',
      [pending.invitationId]: 'pending',
    });
    const renewed = await invite(t.api, team.owner.token, expiredEmail, SYSTEM_ROLE_IDS.viewer);
    await accept({ token: expired.acceptToken, name: 'N', password: 'long-enough-password' }).expect(401);
    await accept({ token: renewed.acceptToken, name: 'N', password: 'long-enough-password' }).expect(200);
  });

  it('answers 409 already_member when the invited account joined by other means meanwhile', async () => {
    const team = await createTeam(t.api);
    const existing = await registerUser(t.api);
    const { acceptToken } = await invite(t.api, team.owner.token, existing.email, SYSTEM_ROLE_IDS.viewer);
    await t.dataSource.query(`INSERT INTO memberships (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
      team.organizationId,
      existing.id,
      SYSTEM_ROLE_IDS.viewer,
    ]);
    const response = await acceptAs(existing, { token: acceptToken }, 409);
    expect(response.body).toEqual({ code: 'already_member', message: expect.any(String), details: null });
  });

  it('answers 404 for an unknown, foreign or malformed invitation id', async () => {
    const team = await createTeam(t.api);
    const other = await createTeam(t.api);
    const foreign = await invite(t.api, other.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    for (const id of [randomUUID(), foreign.invitationId, 'bogus']) {
      const response = await as(team.owner.token).delete(`/api/v1/invitations/${id}`).expect(404);
      expect(response.body.code).toBe('not_found');
    }
  });
});

describe('invitations with ORG_MAX_MEMBERS', () => {
  const t = useTestApp({ env: { ORG_MAX_MEMBERS: '3' } });

  it('counts members and pending invitations against the limit and answers 403 beyond it', async () => {
    const team = await createTeam(t.api);
    await addTeammate(t.api, team.owner.token, 'viewer');
    const pending = await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
    const refused = await t
      .api()
      .post('/api/v1/invitations')
      .auth(team.owner.token, { type: 'bearer' })
      .send({ email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(403);
    expect(refused.body).toEqual({ code: 'forbidden', message: expect.any(String), details: { limit: 3 } });
    await t.api().delete(`/api/v1/invitations/${pending.invitationId}`).auth(team.owner.token, { type: 'bearer' }).expect(200);
    await invite(t.api, team.owner.token, `${randomUUID()}@example.com`, SYSTEM_ROLE_IDS.viewer);
  });
});
