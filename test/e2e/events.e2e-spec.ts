import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { CloudEventJson, EventStream, MACHINE_NATS_URL } from '../support/event-stream';
import { loginAs, registerUser } from '../support/factories';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { addTeammate, authenticated, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The events about `subject` (the id of the thing changed), in stream order, as `type` lists. */
const typesAbout = (events: CloudEventJson[], ...subjects: string[]) =>
  events.filter((event) => subjects.includes(event.subject)).map((event) => event.type);

// Every test run on this machine shares its NATS server and the IDENTITY stream: this app's
// JWT_ISSUER, the events' source, is its own, and the stream reader keeps only those.
describe('change events on NATS JetStream (the machine’s NATS server)', () => {
  const source = `identity-events-test-${randomUUID()}`;
  const smtp = new SmtpSink();
  let smtpPort = 0;
  let stream: EventStream;

  beforeAll(async () => {
    smtpPort = await smtp.start();
    stream = await EventStream.open(MACHINE_NATS_URL, source);
  });
  const t = useTestApp(() => ({
    env: {
      NATS_URL: MACHINE_NATS_URL,
      JWT_ISSUER: source,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_POLL_INTERVAL_MS: '100',
    },
  }));
  afterAll(async () => {
    await stream.close();
    await smtp.stop();
  });

  it('publishes a registration as user.registered, organization.created and member.added, in that order, as CloudEvents', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const organizationId = session.current_organization?.id as string;
    const isOwnMembership = (event: CloudEventJson) =>
      event.type === 'identity.member.added' && event.data.member.user.id === user.id;
    await stream.waitUntil((events) => events.some(isOwnMembership));
    const added = stream.ofTypes().find(isOwnMembership) as CloudEventJson;
    const events = stream.ofTypes().filter((event) => [user.id, organizationId, added.subject].includes(event.subject));

    expect(events.map((event) => event.type).slice(0, 3)).toEqual([
      'identity.user.registered',
      'identity.organization.created',
      'identity.member.added',
    ]);
    const [registered, created] = events;
    expect(registered).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID),
      source,
      type: 'identity.user.registered',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      subject: user.id,
      datacontenttype: 'application/json',
      data: { user: session.user },
    });
    expect(created).toMatchObject({
      subject: organizationId,
      data: { organization: { id: organizationId, slug: session.current_organization?.slug, name: user.name } },
    });
    expect(added.data).toMatchObject({
      organization_id: organizationId,
      member: { user: { id: user.id, email: user.email }, role: { key: 'owner', is_system: true } },
    });
    const received = stream.received.find((entry) => entry.event.id === registered.id);
    expect(received).toMatchObject({
      natsSubject: 'identity.user.registered',
      msgId: registered.id,
      contentType: 'application/cloudevents+json',
    });
  });

  it('publishes a sign-in as session.created and a logout as session.revoked with reason logout', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    const sessionId = (await authenticated(t.api, session.token).get('/api/v1/me/sessions').expect(200)).body.sessions[0].id;
    await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);

    const revoked = await stream.waitFor('identity.session.revoked', sessionId);
    expect(typesAbout(stream.ofTypes(), sessionId)).toEqual(['identity.session.created', 'identity.session.revoked']);
    expect(stream.ofTypes('identity.session.created').find((event) => event.subject === sessionId)?.data).toEqual({
      session_id: sessionId,
      user_id: user.id,
      organization_id: session.current_organization?.id,
    });
    expect(revoked.data).toEqual({ session_id: sessionId, user_id: user.id, reason: 'logout' });
  });

  it('tells why sessions ended: revoked by the user, refresh-token reuse, a password change', async () => {
    const user = await registerUser(t.api);
    const [first, second, third, fourth] = [
      await loginAs(t.api, user),
      await loginAs(t.api, user),
      await loginAs(t.api, user),
      await loginAs(t.api, user),
    ];
    const sessionOf = async (token: string) =>
      (
        (await authenticated(t.api, token).get('/api/v1/me/sessions').expect(200)).body.sessions as {
          id: string;
          current: boolean;
        }[]
      ).find((listed) => listed.current)?.id as string;
    const [firstId, secondId, thirdId, fourthId] = [
      await sessionOf(first.token),
      await sessionOf(second.token),
      await sessionOf(third.token),
      await sessionOf(fourth.token),
    ];

    await authenticated(t.api, first.token).delete(`/api/v1/me/sessions/${secondId}`).expect(200);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: third.refresh_token }).expect(200);
    await t.api().post('/api/v1/refresh-token').send({ refresh_token: third.refresh_token }).expect(401);
    const newPassword = `pw-${randomUUID()}`;
    await authenticated(t.api, first.token)
      .post('/api/v1/me/password', { current_password: user.password, new_password: newPassword })
      .expect(200);

    await stream.waitFor('identity.session.revoked', fourthId);
    expect((await stream.waitFor('identity.user.password_changed', user.id)).data).toEqual({ user_id: user.id });
    const reasons = stream
      .ofTypes('identity.session.revoked')
      .filter((event) => event.data.user_id === user.id)
      .map((event) => [event.subject, event.data.reason]);
    expect(reasons).toEqual([
      [secondId, 'revoked_by_user'],
      [thirdId, 'refresh_reuse'],
      [fourthId, 'password_changed'],
    ]);
    // The session that changed the password is kept.
    expect(reasons.map(([id]) => id)).not.toContain(firstId);
  });

  it('publishes a member’s life: invited, registered by accepting, added, role changed, removed', async () => {
    const team = await createTeam(t.api);
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    const owner = authenticated(t.api, team.owner.token);
    await owner.patch(`/api/v1/members/${viewer.memberId}`, { role_id: SYSTEM_ROLE_IDS.developer }).expect(200);
    await owner.delete(`/api/v1/members/${viewer.memberId}`).expect(200);

    const removed = await stream.waitFor('identity.member.removed', viewer.memberId);
    const invited = stream.ofTypes('identity.invitation.created').find((event) => event.data.invitation.email === viewer.email);
    const invitationId = invited?.subject as string;
    expect(typesAbout(stream.ofTypes(), invitationId, viewer.id, viewer.memberId)).toEqual([
      'identity.invitation.created',
      'identity.user.registered',
      'identity.invitation.accepted',
      'identity.member.added',
      'identity.member.role_changed',
      'identity.member.removed',
    ]);
    expect(invited?.data).toEqual({
      organization_id: team.organizationId,
      invitation: expect.objectContaining({
        id: invitationId,
        email: viewer.email,
        accepted_at: null,
        invited_by: team.owner.id,
      }),
    });
    const accepted = await stream.waitFor('identity.invitation.accepted', invitationId);
    expect(accepted.data.invitation.accepted_at).toEqual(expect.stringMatching(/Z$/));
    const changed = await stream.waitFor('identity.member.role_changed', viewer.memberId);
    expect(changed.data.member.role.key).toBe('developer');
    expect(removed.data).toMatchObject({
      organization_id: team.organizationId,
      member: { id: viewer.memberId, user: { id: viewer.id } },
    });
  });

  it('publishes role and organization changes, and a revoked invitation', async () => {
    const team = await createTeam(t.api);
    const owner = authenticated(t.api, team.owner.token);
    const role = (await owner.post('/api/v1/roles', { key: 'auditor', name: 'Auditor', permissions: ['audit.read'] }).expect(200))
      .body.role;
    await owner.patch(`/api/v1/roles/${role.id}`, { name: 'Auditors', permissions: ['audit.read', 'org.read'] }).expect(200);
    await owner.delete(`/api/v1/roles/${role.id}`).expect(200);
    const invitation = (
      await owner
        .post('/api/v1/invitations', { email: `x-${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
        .expect(200)
    ).body;
    await owner.delete(`/api/v1/invitations/${invitation.invitation.id}`).expect(200);
    const second = (await owner.post('/api/v1/organizations', { name: 'Second Org' }).expect(200)).body.organization;
    await authenticated(t.api, team.owner.token).patch(`/api/v1/organizations/${second.id}`, { name: 'Renamed Org' }).expect(200);
    await owner.delete(`/api/v1/organizations/${second.id}`).expect(200);

    await stream.waitFor('identity.organization.deleted', second.id);
    expect(typesAbout(stream.ofTypes(), role.id)).toEqual([
      'identity.role.created',
      'identity.role.updated',
      'identity.role.deleted',
    ]);
    const updated = await stream.waitFor('identity.role.updated', role.id);
    expect(updated.data).toEqual({
      organization_id: team.organizationId,
      role: { id: role.id, key: 'auditor', name: 'Auditors', is_system: false, permissions: ['org.read', 'audit.read'] },
    });
    expect(typesAbout(stream.ofTypes(), invitation.invitation.id)).toEqual([
      'identity.invitation.created',
      'identity.invitation.revoked',
    ]);
    expect(typesAbout(stream.ofTypes(), second.id)).toEqual([
      'identity.organization.created',
      'identity.organization.updated',
      'identity.organization.deleted',
    ]);
    const deleted = await stream.waitFor('identity.organization.deleted', second.id);
    expect(deleted.data).toEqual({ organization: { id: second.id, slug: second.slug, name: 'Renamed Org' } });
  });

  it('publishes a rename, a verified email and a password reset', async () => {
    const user = await registerUser(t.api);
    const session = await loginAs(t.api, user);
    await authenticated(t.api, session.token).patch('/api/v1/me', { name: 'New Name' }).expect(200);
    const verify = tokenFrom(await smtp.waitFor(user.email, /confirm your email/i));
    await t.api().post('/api/v1/verify-email').send({ token: verify }).expect(200);
    await t.api().post('/api/v1/password/forgot').send({ username: user.email }).expect(200);
    const reset = tokenFrom(await smtp.waitFor(user.email, /reset your password/i));
    await t
      .api()
      .post('/api/v1/password/reset')
      .send({ token: reset, password: `pw-${randomUUID()}` })
      .expect(200);

    await stream.waitUntil((events) =>
      events.some((event) => event.type === 'identity.session.revoked' && event.data.user_id === user.id),
    );
    expect(typesAbout(stream.ofTypes(), user.id)).toEqual([
      'identity.user.registered',
      'identity.user.updated',
      'identity.user.email_verified',
      'identity.user.password_changed',
    ]);
    expect((await stream.waitFor('identity.user.updated', user.id)).data.user.name).toBe('New Name');
    expect((await stream.waitFor('identity.user.email_verified', user.id)).data.user.email_verified_at).toMatch(/Z$/);
    const revoked = stream.ofTypes('identity.session.revoked').filter((event) => event.data.user_id === user.id);
    expect(revoked.map((event) => event.data.reason)).toEqual(['password_reset']);
  });

  it('never carries a password, a hash or a token in an event', async () => {
    const team = await createTeam(t.api);
    const invitation = (
      await authenticated(t.api, team.owner.token)
        .post('/api/v1/invitations', { email: `y-${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
        .expect(200)
    ).body;
    await stream.waitFor('identity.invitation.created', invitation.invitation.id);
    const everything = JSON.stringify(stream.received);
    expect(everything).not.toContain(team.owner.password);
    expect(everything).not.toContain(team.owner.token);
    expect(everything).not.toContain(team.owner.session.refresh_token);
    expect(everything).not.toContain(invitation.accept_token);
    expect(everything).not.toMatch(/\$2[aby]\$/);
    expect(everything).not.toMatch(/password_hash|token_hash|refresh_token/);
  });
});

describe('without NATS_URL', () => {
  const t = useTestApp();

  it('keeps no event', async () => {
    const team = await createTeam(t.api);
    await addTeammate(t.api, team.owner.token, 'viewer');
    const [{ count }] = await t.dataSource.query<{ count: string }[]>('SELECT count(*) AS count FROM outbox_events');
    expect(Number(count)).toBe(0);
  });
});
