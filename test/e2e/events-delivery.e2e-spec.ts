import { randomUUID } from 'node:crypto';

import { serverUrl } from '../support/database';
import { EventStream } from '../support/event-stream';
import { loginAs, registerUser } from '../support/factories';
import { NatsProcess } from '../support/nats-process';
import { PostgresCluster } from '../support/postgres-cluster';
import { addTeammate, authenticated, createTeam } from '../support/team';
import { createTestApp, TestApp } from '../support/test-app';

const METRICS_TOKEN = `metrics-${randomUUID()}`;

async function backlog(app: TestApp): Promise<number> {
  const text = (await app.api().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
  return Number(/identity_outbox_backlog\{kind="event"\} (\d+)/.exec(text)?.[1]);
}

/** Every event the app wrote, in the order they were written. */
async function outbox(app: TestApp): Promise<{ id: string; subject: string }[]> {
  return app.dataSource.query<{ id: string; subject: string }[]>('SELECT id, subject FROM outbox_events ORDER BY seq');
}

const idsAbout = (events: { id: string; subject: string }[], subject: string) =>
  events.filter((event) => event.subject === subject).map((event) => event.id);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A NATS server of the test's own, so it can be stopped and started while the service runs. */
describe('event delivery through a NATS outage', () => {
  const nats = new NatsProcess();
  const source = `identity-outage-test-${randomUUID()}`;
  let app: TestApp;

  beforeAll(async () => {
    await nats.start();
    app = await createTestApp({
      env: { NATS_URL: nats.url, JWT_ISSUER: source, EVENTS_POLL_INTERVAL_MS: '100', METRICS_TOKEN },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await nats.destroy();
  });

  it('creates the IDENTITY stream when it is missing', async () => {
    const stream = await EventStream.open(nats.url, source, { createStream: false });
    try {
      const user = await registerUser(app.api);
      await stream.waitFor('identity.user.registered', user.id);
    } finally {
      await stream.close();
    }
  });

  it('keeps events while NATS is down and publishes each exactly once, in order, when it is back', async () => {
    const since = new Date(Date.now() - 1000);
    const team = await createTeam(app.api);
    await until(async () => (await backlog(app)) === 0, 'the first events published');

    await nats.stop();
    const viewer = await addTeammate(app.api, team.owner.token, 'viewer');
    const session = await loginAs(app.api, viewer);
    await authenticated(app.api, session.token).post('/api/v1/logout', {}).expect(200);
    await authenticated(app.api, team.owner.token).delete(`/api/v1/members/${viewer.memberId}`).expect(200);
    // Written with their changes, waiting: the outage costs the API nothing.
    expect(await backlog(app)).toBeGreaterThanOrEqual(8);

    await nats.start();
    await until(async () => (await backlog(app)) === 0, 'the waiting events published after the outage');
    const stream = await EventStream.open(nats.url, source, { since });
    try {
      const expected = (await outbox(app)).map((event) => event.id);
      await stream.waitUntil((events) => events.length >= expected.length);
      // Time enough for a duplicate to show.
      await new Promise((resolve) => setTimeout(resolve, 300));
      // One client made these changes one after another: the order is the order of the outbox.
      const published = stream.ofTypes().map((event) => event.id);
      expect(published).toEqual(expected.slice(expected.indexOf(published[0])));
      expect(stream.ofTypes().map((event) => event.type)).toContain('identity.member.removed');
    } finally {
      await stream.close();
    }
  });
});

/** Two replicas on one database and one NATS server. */
describe('event delivery from two replicas', () => {
  const nats = new NatsProcess();
  const source = `identity-replicas-test-${randomUUID()}`;
  let cluster: PostgresCluster | undefined;
  let replicas: TestApp[] = [];

  beforeAll(async () => {
    await nats.start();
    const env = { NATS_URL: nats.url, JWT_ISSUER: source, EVENTS_POLL_INTERVAL_MS: '50' };
    if (serverUrl()) {
      const first = await createTestApp({ env });
      replicas = [first, await createTestApp({ env, databaseOf: first })];
    } else {
      // Replicas need a PostgreSQL server (the embedded database serves one process); without the
      // test server, a cluster of the test's own.
      cluster = new PostgresCluster();
      const shared = { ...env, DATABASE_URL: await cluster.start() };
      replicas = [await createTestApp({ env: shared }), await createTestApp({ env: shared })];
    }
  }, 120_000);
  afterAll(async () => {
    await replicas[0]?.close({ keepDatabase: true });
    await replicas[1]?.close();
    await cluster?.destroy();
    await nats.destroy();
  });

  it('publishes every event once, and the events of each thing in the order they were written, whichever replica wrote them', async () => {
    const stream = await EventStream.open(nats.url, source);
    try {
      const teams = await Promise.all(replicas.map((replica) => createTeam(replica.api)));
      await Promise.all(
        teams.flatMap((team, n) =>
          ['viewer', 'developer', 'analyst'].map((role) => addTeammate(replicas[(n + 1) % 2].api, team.owner.token, role)),
        ),
      );
      const written = await outbox(replicas[0]);
      await stream.waitUntil((events) => events.length >= written.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const published = stream.ofTypes();
      expect(published.map((event) => event.id).sort()).toEqual(written.map((event) => event.id).sort());
      // Changes to one thing are serialized by the database, so their events keep their order;
      // events of changes that ran side by side go out in the order they committed.
      for (const subject of new Set(written.map((event) => event.subject))) {
        expect(idsAbout(published, subject)).toEqual(idsAbout(written, subject));
      }
    } finally {
      await stream.close();
    }
  });
});
