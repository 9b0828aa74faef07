import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { newCredentials } from '../support/factories';
import { addTeammate, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

// Meant for a real PostgreSQL (TEST_DATABASE_URL), where requests truly overlap; the embedded
// database serializes transactions and must reach the same end state.
describe('concurrent changes to one organization', () => {
  const t = useTestApp({ env: { DB_POOL_SIZE: '10' } });

  it('leaves exactly one owner when the only two owners demote each other at once', async () => {
    for (let round = 0; round < 5; round++) {
      const team = await createTeam(t.api);
      const second = await addTeammate(t.api, team.owner.token, 'owner');
      const demote = (token: string, memberId: string) =>
        t.api().patch(`/api/v1/members/${memberId}`).auth(token, { type: 'bearer' }).send({ role_id: SYSTEM_ROLE_IDS.admin });
      const answers = await Promise.all([demote(team.owner.token, second.memberId), demote(second.token, team.owner.memberId)]);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const [{ owners }] = await t.dataSource.query(
        `SELECT count(*)::int AS owners FROM memberships WHERE organization_id = $1 AND role_id = $2`,
        [team.organizationId, SYSTEM_ROLE_IDS.owner],
      );
      expect(owners).toBe(1);
    }
  });

  it('creates one account and one membership when one invitation is accepted twice at once', async () => {
    for (let round = 0; round < 5; round++) {
      const team = await createTeam(t.api);
      const credentials = newCredentials();
      const { acceptToken } = await invite(t.api, team.owner.token, credentials.email, SYSTEM_ROLE_IDS.viewer);
      const body = { token: acceptToken, name: credentials.name, password: credentials.password };
      const answers = await Promise.all([1, 2].map(() => t.api().post('/api/v1/invitations/accept').send(body)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      const [{ memberships }] = await t.dataSource.query(
        `SELECT count(*)::int AS memberships FROM memberships m JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower($1)`,
        [credentials.email],
      );
      expect(memberships).toBe(1);
    }
  });

  it('keeps one pending invitation when the same email is invited twice at once', async () => {
    const team = await createTeam(t.api);
    const email = newCredentials().email;
    const answers = await Promise.all(
      [SYSTEM_ROLE_IDS.viewer, SYSTEM_ROLE_IDS.analyst].map((roleId) =>
        t.api().post('/api/v1/invitations').auth(team.owner.token, { type: 'bearer' }).send({ email, role_id: roleId }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const [{ pending }] = await t.dataSource.query(
      `SELECT count(*)::int AS pending FROM invitations WHERE organization_id = $1`,
      [team.organizationId],
    );
    expect(pending).toBe(1);
  });

  it('never leaves a member on a deleted role when the role is deleted while being assigned', async () => {
    for (let round = 0; round < 3; round++) {
      const team = await createTeam(t.api);
      const member = await addTeammate(t.api, team.owner.token, 'viewer');
      const created = await t
        .api()
        .post('/api/v1/roles')
        .auth(team.owner.token, { type: 'bearer' })
        .send({ key: `race-${round}`, name: 'Race', permissions: [] })
        .expect(200);
      const roleId = created.body.role.id;
      const answers = await Promise.all([
        t.api().patch(`/api/v1/members/${member.memberId}`).auth(team.owner.token, { type: 'bearer' }).send({ role_id: roleId }),
        t.api().delete(`/api/v1/roles/${roleId}`).auth(team.owner.token, { type: 'bearer' }),
      ]);
      for (const answer of answers) expect([200, 400, 409]).toContain(answer.status);
      const members = await t.api().get('/api/v1/members').auth(team.owner.token, { type: 'bearer' }).expect(200);
      expect(members.body.members).toHaveLength(2);
    }
  });
});
