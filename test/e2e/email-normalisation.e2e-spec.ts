import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { createDataSource } from '../../src/database/data-source';
import { openDatabase } from '../../src/database/database-connection';
import { runMigrations } from '../../src/database/run-migrations';
import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { databaseUrl, serverUrl, uniqueDatabaseName, withAdminClient } from '../support/database';
import { loginAs, registerUser } from '../support/factories';
import { authenticated, createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

/** `alice-1a2b@corp.example` and lookalikes: upper case, fullwidth letters, fullwidth everything. */
function spellings(local: string) {
  const fullwidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCodePoint(c.charCodeAt(0) + 0xfee0));
  return {
    plain: `${local}@corp.example`,
    upper: `${local.toUpperCase()}@CORP.example`,
    fullwidthFirst: `${fullwidth(local.slice(0, 1))}${local.slice(1)}@corp.example`,
    fullwidthAll: fullwidth(`${local.toUpperCase()}@corp.example`),
  };
}

describe('one email normaliser everywhere', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback', LOGIN_FREE_FAILURES: '10', LOGIN_MAX_FAILURES: '3' } });
  const login = (address: string, username: string, password: string) =>
    t.api().post('/api/v1/login').set('X-Forwarded-For', address).send({ username, password });

  it('keeps one account per address however it is spelled, and signs the owner in with any spelling', async () => {
    const names = spellings(`alice-${randomUUID().slice(0, 6)}`);
    const alice = await registerUser(t.api, { email: names.plain });
    for (const variant of [names.upper, names.fullwidthFirst, names.fullwidthAll]) {
      const taken = await t
        .api()
        .post('/api/v1/register')
        .send({ name: 'Impostor', username: variant, password: 'impostor-password' })
        .expect(409);
      expect(taken.body.code).toBe('email_taken');
      const session = await login('198.51.100.1', variant, alice.password).expect(200);
      expect(session.body.user).toMatchObject({ id: alice.id, email: names.plain });
    }
  });

  it('does not let a spelling variant slip past a block of the attacker’s address', async () => {
    const names = spellings(`bob-${randomUUID().slice(0, 6)}`);
    const bob = await registerUser(t.api, { email: names.plain });
    await login('203.0.113.7', names.upper, 'wrong-password').expect(401);
    await login('203.0.113.7', names.fullwidthFirst, 'wrong-password').expect(401);
    await login('203.0.113.7', names.plain, 'wrong-password').expect(401);
    for (const variant of Object.values(names)) await login('203.0.113.7', variant, bob.password).expect(429);
    await login('198.51.100.2', names.fullwidthAll, bob.password).expect(200);
  });

  it('keeps a dotted capital I apart from a plain i, the same way at registration, login and throttle', async () => {
    const tag = randomUUID().slice(0, 6);
    const alice = await registerUser(t.api, { email: `alice-${tag}@corp.example` });
    const dotted = `alİce-${tag}@corp.example`;
    // İ lowercases to i + U+0307: another address, not a spelling of alice's.
    await login('198.51.100.3', dotted, alice.password).expect(404);
    const other = await registerUser(t.api, { email: dotted });
    const session = await loginAs(t.api, { email: dotted.toUpperCase(), password: other.password });
    expect(session.user).toMatchObject({ id: other.id, email: `ali\u0307ce-${tag}@corp.example` });
  });

  it('refuses addresses with control or invisible characters and quoted local parts with 400', async () => {
    const team = await createTeam(t.api);
    const bad = ['"a\u0001b"@corp.example', '"ab"@corp.example', 'a\u200bb@corp.example', 'a\u0007b@corp.example'];
    for (const email of bad) {
      const requests = [
        t.api().post('/api/v1/register').send({ name: 'N', username: email, password: 'long-enough-password' }),
        t.api().post('/api/v1/login').send({ username: email, password: 'long-enough-password' }),
        t.api().post('/api/v1/password/forgot').send({ username: email }),
        authenticated(t.api, team.owner.token).post('/api/v1/invitations', { email, role_id: SYSTEM_ROLE_IDS.viewer }),
      ];
      for (const response of await Promise.all(requests)) {
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('invalid_request');
      }
    }
  });

  it('invites by the normalised address: a member’s lookalike is already a member, a pending lookalike already invited', async () => {
    const team = await createTeam(t.api);
    const names = spellings(`carol-${randomUUID().slice(0, 6)}`);
    await invite(t.api, team.owner.token, names.fullwidthAll, SYSTEM_ROLE_IDS.viewer);
    const again = await authenticated(t.api, team.owner.token)
      .post('/api/v1/invitations', { email: names.upper, role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(409);
    expect(again.body.code).toBe('invitation_exists');
    const listed = await authenticated(t.api, team.owner.token).get('/api/v1/invitations').expect(200);
    expect(listed.body.invitations.map((i: { email: string }) => i.email)).toEqual([names.plain]);
    const member = await authenticated(t.api, team.owner.token)
      .post('/api/v1/invitations', { email: team.owner.email.toUpperCase(), role_id: SYSTEM_ROLE_IDS.viewer })
      .expect(409);
    expect(member.body.code).toBe('already_member');
  });
});

describe('the migration that normalises stored emails', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const server = serverUrl();
    if (server) {
      const name = uniqueDatabaseName('identity_normalise');
      await withAdminClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
      dataSource = createDataSource({ url: databaseUrl(server, name), poolSize: 1 });
      await dataSource.initialize();
      close = async () => {
        await dataSource.destroy();
        await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      };
    } else {
      const database = await openDatabase({ url: undefined, dataDir: '', poolSize: 1 });
      dataSource = database.dataSource;
      close = () => database.close();
    }
    await runMigrations(dataSource);
    // Back to the schema before it (its down() and every later one's run here).
    for (;;) {
      const [last] = await dataSource.query<{ name: string }[]>(
        `SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1`,
      );
      await dataSource.undoLastMigration();
      if (last?.name === 'NormalizedEmails1765000000000') break;
    }
  }, 120_000);
  afterAll(async () => {
    await close();
  });

  it('keeps the address for the account that signed in with it before, leaves lookalikes dormant and says so', async () => {
    const insertUser = async (email: string, verified: boolean, createdAt: string) =>
      (
        await dataSource.query<{ id: string }[]>(
          `INSERT INTO users (name, email, password_hash, email_verified_at, created_at)
           VALUES ('N', $1, 'x', ${verified ? 'now()' : 'NULL'}, $2) RETURNING id`,
          [email, createdAt],
        )
      )[0]?.id;
    // The old index was on lower(email): these all fit in it.
    const alice = await insertUser('Alice@Corp.example', false, '2020-01-01');
    const aliceLookalike = await insertUser('ａlice@corp.example', true, '2019-01-01');
    const bobFullwidth = await insertUser('ＢＯＢ@corp.example', false, '2021-01-01');
    const bobVerified = await insertUser('ｂob@corp.example', true, '2022-01-01');
    const carol = await insertUser('  Carol@Corp.example', false, '2020-01-01');
    const [organization] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO organizations (name, slug) VALUES ('Corp', 'corp-normalise') RETURNING id`,
    );
    const insertInvitation = async (email: string, createdAt: string) =>
      (
        await dataSource.query<{ id: string }[]>(
          `INSERT INTO invitations (organization_id, email, role_id, token_hash, expires_at, created_at)
           VALUES ($1, $2, $3, $4, now() + interval '1 day', $5) RETURNING id`,
          [organization?.id, email, SYSTEM_ROLE_IDS.viewer, randomUUID().replace(/-/g, ''), createdAt],
        )
      )[0]?.id;
    const olderInvitation = await insertInvitation('Dan@Corp.example', '2024-01-01');
    const newerInvitation = await insertInvitation('ｄan@corp.example', '2024-02-01');

    await runMigrations(dataSource);

    const emails = Object.fromEntries(
      (await dataSource.query<{ id: string; email: string }[]>(`SELECT id, email FROM users`)).map((u) => [u.id, u.email]),
    );
    expect(emails).toEqual({
      [alice]: 'alice@corp.example',
      [aliceLookalike]: 'ａlice@corp.example',
      [bobFullwidth]: 'ＢＯＢ@corp.example',
      [bobVerified]: 'bob@corp.example',
      [carol]: 'carol@corp.example',
    });
    const collisions = await dataSource.query<{ target_id: string; details: Record<string, string> }[]>(
      `SELECT target_id, details FROM audit_events WHERE type = 'user.email_collision' ORDER BY details->>'normalized_email'`,
    );
    expect(collisions).toEqual([
      { target_id: aliceLookalike, details: { normalized_email: 'alice@corp.example', kept_user_id: alice } },
      { target_id: bobFullwidth, details: { normalized_email: 'bob@corp.example', kept_user_id: bobVerified } },
    ]);
    const invitations = await dataSource.query<{ id: string; email: string }[]>(`SELECT id, email FROM invitations`);
    expect(invitations).toEqual([{ id: newerInvitation, email: 'dan@corp.example' }]);
    expect(olderInvitation).not.toBe(newerInvitation);
    await expect(
      dataSource.query(`INSERT INTO users (name, email, password_hash) VALUES ('N', 'carol@corp.example', 'x')`),
    ).rejects.toThrow(/uq_users_email/);
  });
});
