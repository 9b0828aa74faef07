import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createMeshApp } from '../../examples/mesh-service/src/app';
import { MeshConfig } from '../../examples/mesh-service/src/config';
import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { EventStream, MACHINE_NATS_URL } from '../support/event-stream';
import { loginAs, registerUser } from '../support/factories';
import { addTeammate, authenticated, createTeam } from '../support/team';
import { useTestApp } from '../support/test-app';

const AUDIENCE = 'https://mesh.example.com';

/**
 * The reference consumer (examples/mesh-service) in front of this service and the machine's NATS:
 * tokens are checked offline, and revocations reach it through the event stream without a call
 * per request. Its source (this app's JWT_ISSUER) is its own, so parallel runs do not mix.
 */
describe('the reference consumer of examples/mesh-service', () => {
  const issuer = `identity-mesh-test-${randomUUID()}`;
  const t = useTestApp({ env: { NATS_URL: MACHINE_NATS_URL, JWT_ISSUER: issuer, JWT_AUDIENCE: AUDIENCE } });
  const meshes: NestFastifyApplication[] = [];

  async function startMesh(): Promise<string> {
    const config: MeshConfig = {
      port: 0,
      identityUrl: t.url,
      issuer,
      audience: AUDIENCE,
      natsServers: [MACHINE_NATS_URL],
      accessTokenTtlSeconds: 3600,
    };
    const mesh = await createMeshApp(config);
    meshes.push(mesh);
    await mesh.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(mesh.getHttpServer().address() as { port: number }).port}`;
  }

  let mesh = '';
  beforeAll(async () => {
    // The IDENTITY stream exists on the shared server once any run has published; make sure.
    await (await EventStream.open(MACHINE_NATS_URL, issuer)).close();
    mesh = await startMesh();
  }, 60_000);
  afterAll(async () => {
    for (const app of meshes) await app.close();
  });

  const call = (path: string, token: string) => fetch(`${mesh}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  /** Milliseconds until the consumer answers 401 to `token`; fails after 5 s. */
  async function msUntilRefused(token: string, since: number): Promise<number> {
    while (Date.now() - since < 5000) {
      if ((await call('/flags', token)).status === 401) return Date.now() - since;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the consumer still accepts the token after 5 s');
  }

  it('accepts a valid token offline and enforces the permission the route needs from it', async () => {
    const team = await createTeam(t.api);
    const flags = await call('/flags', team.owner.token);
    expect(flags.status).toBe(200);
    expect(await flags.json()).toEqual({ organization_id: team.organizationId, flags: [{ key: 'new-checkout', on: true }] });

    const owner = authenticated(t.api, team.owner.token);
    const role = (await owner.post('/api/v1/roles', { key: 'auditor', name: 'Auditor', permissions: ['audit.read'] }).expect(200))
      .body.role;
    const auditor = await addTeammate(t.api, team.owner.token, role.id);
    expect((await call('/flags', auditor.token)).status).toBe(403);
    expect((await call('/whoami', auditor.token)).status).toBe(200);
  });

  it('refuses a refresh token and a made-up one', async () => {
    const session = await loginAs(t.api, await registerUser(t.api));
    expect((await call('/whoami', session.refresh_token)).status).toBe(401);
    expect((await call('/whoami', 'a.b.c')).status).toBe(401);
  });

  it('refuses a token within a second of its logout', async () => {
    const session = await loginAs(t.api, await registerUser(t.api));
    expect((await call('/flags', session.token)).status).toBe(200);
    const loggedOut = Date.now();
    await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);
    expect(await msUntilRefused(session.token, loggedOut)).toBeLessThan(1000);
  });

  it('refuses a removed member within a second, and a member whose role changed until they refresh', async () => {
    const team = await createTeam(t.api);
    const owner = authenticated(t.api, team.owner.token);
    const removed = await addTeammate(t.api, team.owner.token, 'developer');
    const demoted = await addTeammate(t.api, team.owner.token, 'developer');

    const removedAt = Date.now();
    await owner.delete(`/api/v1/members/${removed.memberId}`).expect(200);
    expect(await msUntilRefused(removed.token, removedAt)).toBeLessThan(1000);

    const changedAt = Date.now();
    await owner.patch(`/api/v1/members/${demoted.memberId}`, { role_id: SYSTEM_ROLE_IDS.viewer }).expect(200);
    expect(await msUntilRefused(demoted.token, changedAt)).toBeLessThan(1000);
    // A token issued after the change carries the new role (iat is in whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await t
      .api()
      .post('/api/v1/refresh-token')
      .send({ refresh_token: demoted.session.refresh_token })
      .expect(200);
    const whoami = await call('/whoami', refreshed.body.token);
    expect(whoami.status).toBe(200);
    expect(((await whoami.json()) as { role: string }).role).toBe('viewer');
  });

  it('refuses every token of a deleted organization', async () => {
    const team = await createTeam(t.api);
    const second = (await authenticated(t.api, team.owner.token).post('/api/v1/organizations', { name: 'Doomed' }).expect(200))
      .body.organization;
    const switched = await authenticated(t.api, team.owner.token)
      .post('/api/v1/me/switch-organization', { organization_id: second.id, refresh_token: team.owner.session.refresh_token })
      .expect(200);
    expect((await call('/flags', switched.body.token)).status).toBe(200);
    const deletedAt = Date.now();
    await authenticated(t.api, switched.body.token).delete(`/api/v1/organizations/${second.id}`).expect(200);
    expect(await msUntilRefused(switched.body.token, deletedAt)).toBeLessThan(1000);
  });

  it('relearns the revocations of the last token lifetime when it starts again', async () => {
    const session = await loginAs(t.api, await registerUser(t.api));
    const loggedOut = Date.now();
    await authenticated(t.api, session.token).post('/api/v1/logout', {}).expect(200);
    await msUntilRefused(session.token, loggedOut);
    const restarted = await startMesh();
    expect((await fetch(`${restarted}/flags`, { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(401);
  });
});
