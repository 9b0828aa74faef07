import { randomUUID } from 'node:crypto';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { loginAs } from '../support/factories';
import { addTeammate, authenticated, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('GET, PATCH and DELETE /api/v1/organizations/{id}', () => {
  const t = useTestApp();

  const as = (token: string) => authenticated(t.api, token);

  it('answers the organization with exactly id, slug, name, created_at, updated_at', async () => {
    const team = await createTeam(t.api, { name: 'Read Me' });
    const response = await as(team.owner.token).get(`/api/v1/organizations/${team.organizationId}`).expect(200);
    expect(response.body).toEqual({
      organization: {
        id: team.organizationId,
        slug: 'read-me',
        name: 'Read Me',
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      },
    });
  });

  it('answers 404 to a non-member, for an unknown id and for a malformed id', async () => {
    const team = await createTeam(t.api);
    const stranger = await createTeam(t.api);
    for (const path of [team.organizationId, randomUUID(), 'nope', '00000000-0000-0000-0000-00000000000g']) {
      for (const request of [
        as(stranger.owner.token).get(`/api/v1/organizations/${path}`),
        as(stranger.owner.token).patch(`/api/v1/organizations/${path}`, { name: 'X' }),
        as(stranger.owner.token).delete(`/api/v1/organizations/${path}`),
      ]) {
        const response = await request.expect(404);
        expect(response.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
      }
    }
  });

  it('renames and changes the slug, and the new values show everywhere', async () => {
    const team = await createTeam(t.api, { name: 'Old Name' });
    const response = await as(team.owner.token)
      .patch(`/api/v1/organizations/${team.organizationId}`, { name: '  New Name  ', slug: 'new-name-1' })
      .expect(200);
    expect(response.body.organization).toMatchObject({ id: team.organizationId, name: 'New Name', slug: 'new-name-1' });
    const listed = await as(team.owner.token).get('/api/v1/organizations').expect(200);
    expect(listed.body.organizations).toEqual([{ id: team.organizationId, name: 'New Name', slug: 'new-name-1', role: 'owner' }]);
    await as(team.owner.token).patch(`/api/v1/organizations/${team.organizationId}`, {}).expect(200);
    await as(team.owner.token).patch(`/api/v1/organizations/${team.organizationId}`, { slug: 'new-name-1' }).expect(200);
  });

  it('answers 400 naming the field for a bad slug or name', async () => {
    const team = await createTeam(t.api);
    const bad: [string, unknown][] = [
      ['slug', 'Upper'],
      ['slug', 'has space'],
      ['slug', '-leading'],
      ['slug', 'trailing-'],
      ['slug', 'under_score'],
      ['slug', ''],
      ['slug', 'a'.repeat(64)],
      ['slug', 12],
      ['name', ''],
      ['name', '   '],
      ['name', 'n'.repeat(201)],
      ['name', ['x']],
    ];
    for (const [field, value] of bad) {
      const response = await as(team.owner.token)
        .patch(`/api/v1/organizations/${team.organizationId}`, { [field]: value })
        .expect(400);
      expect(response.body.code).toBe('invalid_request');
      expect(response.body.details.fields).toEqual([{ field, message: expect.any(String) }]);
    }
    await as(team.owner.token)
      .patch(`/api/v1/organizations/${team.organizationId}`, { slug: 'a'.repeat(63) })
      .expect(200);
    await as(team.owner.token).patch(`/api/v1/organizations/${team.organizationId}`, { slug: '7' }).expect(200);
  });

  it('answers 409 conflict for a slug another organization holds, a deleted one included', async () => {
    const first = await createTeam(t.api, { name: 'Slug Holder' });
    const second = await createTeam(t.api);
    const taken = await as(second.owner.token)
      .patch(`/api/v1/organizations/${second.organizationId}`, { slug: 'slug-holder' })
      .expect(409);
    expect(taken.body).toEqual({
      code: 'conflict',
      message: expect.any(String),
      details: { fields: [{ field: 'slug', message: expect.any(String) }] },
    });

    const spare = await as(first.owner.token).post('/api/v1/organizations', { name: 'Gone Soon' }).expect(200);
    await as(first.owner.token).delete(`/api/v1/organizations/${spare.body.organization.id}`).expect(200);
    await as(second.owner.token).patch(`/api/v1/organizations/${second.organizationId}`, { slug: 'gone-soon' }).expect(409);
  });

  it('answers 409 last_organization when deleting the caller’s only organization', async () => {
    const team = await createTeam(t.api);
    const response = await as(team.owner.token).delete(`/api/v1/organizations/${team.organizationId}`).expect(409);
    expect(response.body).toEqual({ code: 'last_organization', message: expect.any(String), details: null });
    await as(team.owner.token).get(`/api/v1/organizations/${team.organizationId}`).expect(200);
  });

  it('soft-deletes: the organization leaves every answer and tokens scoped to it stop working at once', async () => {
    const team = await createTeam(t.api, { name: 'Doomed Team' });
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    const spare = await as(team.owner.token).post('/api/v1/organizations', { name: 'Lifeboat' }).expect(200);
    await as(viewer.token).get('/api/v1/members').expect(403);

    await as(team.owner.token).delete(`/api/v1/organizations/${team.organizationId}`).expect(200).expect({ deleted: true });

    // Both tokens were scoped to the deleted organization.
    for (const token of [team.owner.token, viewer.token]) {
      const response = await as(token).get('/api/v1/organizations').expect(401);
      expect(response.body.code).toBe('unauthorized');
    }
    const session = await loginAs(t.api, team.owner);
    expect(session.organizations.map((o) => o.id)).toEqual([spare.body.organization.id]);
    expect(session.current_organization?.id).toBe(spare.body.organization.id);
    await as(session.token).get(`/api/v1/organizations/${team.organizationId}`).expect(404);
    const listed = await as(session.token).get('/api/v1/organizations').expect(200);
    expect(listed.body.organizations.map((o: { name: string }) => o.name)).toEqual(['Lifeboat']);
    const viewerSession = await loginAs(t.api, viewer);
    expect(viewerSession.organizations).toEqual([]);

    const [row] = await t.dataSource.query(`SELECT deleted_at FROM organizations WHERE id = $1`, [team.organizationId]);
    expect(row.deleted_at).toBeInstanceOf(Date);
  });

  it('refuses a read_only user every change (403) and still lets them read', async () => {
    const team = await createTeam(t.api);
    const viewer = await addTeammate(t.api, team.owner.token, 'viewer');
    const extra = await as(team.owner.token).post('/api/v1/roles', { key: 'extra', name: 'Extra', permissions: [] }).expect(200);
    const pending = await as(team.owner.token)
      .post('/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(200);
    await t.dataSource.query(`UPDATE users SET role = 'read_only' WHERE id = $1`, [team.owner.id]);
    const token = team.owner.token;

    const writes = [
      as(token).patch(`/api/v1/organizations/${team.organizationId}`, { name: 'X' }),
      as(token).delete(`/api/v1/organizations/${team.organizationId}`),
      as(token).patch(`/api/v1/members/${viewer.memberId}`, { role_id: SYSTEM_ROLE_IDS.admin }),
      as(token).delete(`/api/v1/members/${viewer.memberId}`),
      as(token).delete(`/api/v1/members/${team.owner.memberId}`),
      as(token).post('/api/v1/roles', { key: 'nope', name: 'Nope', permissions: [] }),
      as(token).patch(`/api/v1/roles/${extra.body.role.id}`, { name: 'Nope' }),
      as(token).delete(`/api/v1/roles/${extra.body.role.id}`),
      as(token).post('/api/v1/invitations', { email: `${randomUUID()}@example.com`, role_id: SYSTEM_ROLE_IDS.viewer }),
      as(token).delete(`/api/v1/invitations/${pending.body.invitation.id}`),
    ];
    for (const request of writes) {
      const response = await request.expect(403);
      expect(response.body.code).toBe('forbidden');
    }
    for (const path of [
      `/api/v1/organizations/${team.organizationId}`,
      '/api/v1/members',
      '/api/v1/roles',
      '/api/v1/invitations',
      '/api/v1/permissions',
    ]) {
      await as(token).get(path).expect(200);
    }
    const members = await as(token).get('/api/v1/members').expect(200);
    expect(members.body.members).toHaveLength(2);
  });
});
