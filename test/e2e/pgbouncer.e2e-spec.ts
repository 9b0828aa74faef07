import { Client } from 'pg';

import { PREPARED_STATEMENTS_REFUSED } from '../../src/database/pooler-check';
import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { databaseUrl, serverUrl, uniqueDatabaseName, withAdminClient } from '../support/database';
import { loginAs, LoginResult, newCredentials, registerUser } from '../support/factories';
import { PgBouncerProcess } from '../support/pgbouncer-process';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { authenticated } from '../support/team';
import { BOOT_TIMEOUT, createTestApp, TestApp } from '../support/test-app';

// PgBouncer pools connections to a real PostgreSQL server: the test server, or on the embedded
// run the machine's own (CI starts it either way). So this file runs, against a real server, in
// both runs of `npm test`; only the database behind the other files differs between them.
const SERVER = serverUrl() ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const BOOT_LINE = 'DATABASE_URL leads through a transaction-mode connection pooler';

/**
 * Two replicas of the service (two apps in this process) behind one PgBouncer in transaction
 * mode, four server connections shared by both: consecutive statements of one client connection
 * run on whichever backend is free. Both start at once on an empty database, so they migrate
 * through it too.
 */
describe('two replicas through PgBouncer in transaction mode', () => {
  // Without protocol-level prepared statements (1.18), the replicas must not name theirs.
  const bouncer = new PgBouncerProcess(SERVER, { default_pool_size: 4 });
  const smtp = new SmtpSink();
  const name = uniqueDatabaseName('identity_pgbouncer');
  let replicas: TestApp[] = [];

  beforeAll(async () => {
    await withAdminClient(SERVER, (client) => client.query(`CREATE DATABASE "${name}"`));
    await bouncer.start();
    const smtpPort = await smtp.start();
    const env = {
      DB_PREPARED_STATEMENTS: String(bouncer.preparedStatements),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_POLL_INTERVAL_MS: '100',
      PUBLIC_URL: 'https://app.example.com',
    };
    replicas = await Promise.all([0, 1].map(() => createTestApp({ env: { ...env, DATABASE_URL: bouncer.url(name) } })));
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await bouncer.stop();
    await smtp.stop();
    await withAdminClient(SERVER, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  const [a, b] = [() => replicas[0], () => replicas[1]];
  const as = (replica: () => TestApp, token: string) => authenticated(() => replica().api(), token);

  it('migrates the empty database exactly once while both replicas start through the pooler, and says so', async () => {
    const client = new Client({ connectionString: databaseUrl(SERVER, name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; count: string }>(
        'SELECT name, count(*) FROM schema_migrations GROUP BY name',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.count === '1')).toBe(true);
    } finally {
      await client.end();
    }
    for (const replica of replicas) {
      expect(replica.logs).toContainEqual(
        expect.objectContaining({ msg: BOOT_LINE, prepared_statements: bouncer.preparedStatements }),
      );
      expect(replica.logs.filter((line) => (line.level as number) >= 50)).toEqual([]);
    }
  });

  it('signs in on one replica, refreshes on the other, and ends the session everywhere when a spent token returns', async () => {
    const user = await registerUser(() => a().api());
    const session = await loginAs(() => b().api(), user);
    await as(a, session.token).get('/api/v1/me').expect(200);

    const refreshed = await a().api().post('/api/v1/refresh-token').send({ refresh_token: session.refresh_token }).expect(200);
    const next = refreshed.body as LoginResult;
    await as(b, next.token).get('/api/v1/me').expect(200);

    await b().api().post('/api/v1/refresh-token').send({ refresh_token: session.refresh_token }).expect(401);
    await as(a, next.token).get('/api/v1/me').expect(401);
    await a().api().post('/api/v1/refresh-token').send({ refresh_token: next.refresh_token }).expect(401);
  });

  it('switches organization, invites by email through the outbox worker, and manages members across replicas', async () => {
    const owner = await registerUser(() => a().api(), { name: 'Pooled Owner' });
    const login = await loginAs(() => a().api(), owner);
    const created = await as(b, login.token).post('/api/v1/organizations', { name: 'Pooled Org' }).expect(200);
    const organization = created.body.organization as { id: string };
    const switched = await as(a, login.token)
      .post('/api/v1/me/switch-organization', { organization_id: organization.id, refresh_token: login.refresh_token })
      .expect(200);
    const session = switched.body as LoginResult;
    expect(session.current_organization).toMatchObject({ id: organization.id, role: 'owner' });

    const invitee = newCredentials();
    await as(b, session.token).post('/api/v1/invitations', { email: invitee.email, role_id: SYSTEM_ROLE_IDS.viewer }).expect(200);
    // Either replica's worker may claim the email; exactly one sends it.
    const email = await smtp.waitFor(invitee.email, /invited to join/);
    const accepted = await a()
      .api()
      .post('/api/v1/invitations/accept')
      .send({ token: tokenFrom(email), name: invitee.name, password: invitee.password })
      .expect(200);
    const memberId = accepted.body.member.id as string;

    const members = await as(b, session.token).get('/api/v1/members').expect(200);
    expect((members.body.members as { id: string }[]).map((member) => member.id)).toContain(memberId);
    await as(a, session.token).patch(`/api/v1/members/${memberId}`, { role_id: SYSTEM_ROLE_IDS.developer }).expect(200);
    const teammate = await loginAs(() => b().api(), invitee);
    expect(teammate.current_organization).toMatchObject({ id: organization.id, role: 'developer' });
    expect(smtp.countTo(invitee.email, /invited to join/)).toBe(1);
  });

  it(
    bouncer.preparedStatements
      ? 'boots with DB_PREPARED_STATEMENTS=true, as this PgBouncer keeps prepared statements'
      : 'refuses to boot with DB_PREPARED_STATEMENTS=true, naming the setting, as this PgBouncer cannot keep prepared statements',
    async () => {
      const booting = createTestApp({ env: { DATABASE_URL: bouncer.url(name), DB_PREPARED_STATEMENTS: 'true' } });
      if (bouncer.preparedStatements) {
        const app = await booting;
        await app.close();
      } else {
        await expect(booting).rejects.toThrow(PREPARED_STATEMENTS_REFUSED);
      }
    },
  );

  it('sees no pooler on a direct connection to the same database, where prepared statements work', async () => {
    const direct = await createTestApp({ env: { DATABASE_URL: databaseUrl(SERVER, name), DB_PREPARED_STATEMENTS: 'true' } });
    try {
      expect(direct.logs.map((line) => line.msg)).not.toContain(BOOT_LINE);
      const session = await loginAs(() => direct.api(), await registerUser(() => direct.api()));
      await as(() => direct, session.token)
        .get('/api/v1/me')
        .expect(200);
    } finally {
      await direct.close();
    }
  });
});
