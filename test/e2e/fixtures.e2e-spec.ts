import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';

import { addVirtualAuthenticator, launchBrowser } from '../support/browser';
import { NatsProcess } from '../support/nats-process';
import { NginxProcess, renderTemplate } from '../support/nginx-process';
import { portAnswers } from '../support/os-process';
import { PgBouncerProcess } from '../support/pgbouncer-process';
import { PostgresCluster } from '../support/postgres-cluster';
import { freePort } from '../support/service-process';

// Shows that each real-process fixture in test/support does what later tests rely on.

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function listen(server: Server, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('PostgresCluster', () => {
  const cluster = new PostgresCluster();
  afterAll(() => cluster.destroy());

  it('answers queries, refuses connections while killed, and comes back on the same port with its data', async () => {
    await cluster.start();
    const port = cluster.port;
    const client = await connected(cluster.url);
    await client.query('CREATE TABLE notes (body text)');
    await client.query("INSERT INTO notes VALUES ('written before the outage')");

    await cluster.stop({ hard: true });
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await expect(connected(cluster.url)).rejects.toThrow(/ECONNREFUSED/);

    await cluster.start();
    expect(cluster.port).toBe(port);
    expect(cluster.log()).toMatch(/not properly shut down; automatic recovery in progress/);
    const again = await connected(cluster.url);
    const { rows } = await again.query('SELECT body FROM notes');
    await again.end();
    expect(rows).toEqual([{ body: 'written before the outage' }]);
  });
});

describe('NatsProcess', () => {
  const nats = new NatsProcess();
  afterAll(() => nats.destroy());

  it('stores JetStream messages that a durable consumer reads, before and after a hard restart', async () => {
    await nats.start();
    const port = nats.port;
    let nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    await jsm.consumers.add('EVENTS', { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    expect((await js.publish('events.first', 'one')).seq).toBe(1);
    expect((await js.publish('events.second', 'two')).seq).toBe(2);
    const first = await (await js.consumers.get('EVENTS', 'worker')).next({ expires: 5000 });
    expect(first?.string()).toBe('one');
    await first?.ackAck();
    await nc.close();

    await nats.stop({ hard: true });
    expect(await portAnswers(port)).toBe(false);
    await nats.start();
    expect(nats.port).toBe(port);

    nc = await connect({ servers: nats.url });
    const stored = await (await jetstreamManager(nc)).streams.getMessage('EVENTS', { seq: 2 });
    expect(stored?.subject).toBe('events.second');
    expect(stored?.string()).toBe('two');
    const consumer = await jetstream(nc).consumers.get('EVENTS', 'worker');
    const next = await consumer.next({ expires: 5000 });
    expect(next?.string()).toBe('two');
    next?.ack();
    await nc.close();
  });
});

describe('PgBouncerProcess', () => {
  const bouncer = new PgBouncerProcess();
  afterAll(() => bouncer.stop());

  it('pools in transaction mode and passes queries and named prepared statements through', async () => {
    await bouncer.start();
    const a = await connected(bouncer.url('postgres'));
    const b = await connected(bouncer.url('postgres'));
    const admin = await connected(bouncer.url('pgbouncer'));
    try {
      const { rows: pools } = await admin.query('SHOW POOLS');
      expect(pools.find((pool) => pool.database === 'postgres')).toMatchObject({ pool_mode: 'transaction', cl_active: 2 });
      expect((await a.query('SELECT 1 + 1 AS n')).rows).toEqual([{ n: 2 }]);
      const add = (n: number) => b.query({ name: 'add_one', text: 'SELECT $1::int + 1 AS n', values: [n] });
      expect((await add(1)).rows).toEqual([{ n: 2 }]);
      // a holds the server connection b prepared on, so b's next use runs on another one: only a
      // pgbouncer that tracks prepared statements (≥ 1.21, max_prepared_statements) re-prepares it there.
      await a.query('BEGIN');
      if (bouncer.preparedStatements) expect((await add(2)).rows).toEqual([{ n: 3 }]);
      else await expect(add(2)).rejects.toThrow('prepared statement "add_one" does not exist');
      await a.query('COMMIT');
    } finally {
      await Promise.all([a.end(), b.end(), admin.end()]);
    }
  });
});

describe('NginxProcess', () => {
  const backend = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.end(`${req.method} ${req.url} ${bytes} bytes via ${String(req.headers['x-proxied-by'])}`));
  });
  let nginx: NginxProcess | undefined;
  afterAll(async () => {
    await nginx?.stop();
    backend.close();
  });

  it('proxies requests, bodies spooled to its temp dir included, to a node http server', async () => {
    const template = `
      upstream backend { server {{upstream}}; }
      server {
        listen 127.0.0.1:{{port}};
        location / { proxy_pass http://backend; proxy_set_header X-Proxied-By nginx; }
      }`;
    const port = await freePort();
    nginx = new NginxProcess(renderTemplate(template, { port, upstream: `127.0.0.1:${await listen(backend)}` }));
    await nginx.start();
    // 100 kB is over client_body_buffer_size: a worker (not root) writes it to client_body_temp.
    const response = await fetch(`http://127.0.0.1:${port}/hello?x=1`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('POST /hello?x=1 100000 bytes via nginx');
  });
});

describe('launchBrowser and addVirtualAuthenticator', () => {
  const page = `<!doctype html><title>fixture</title><script>
    async function register() {
      const credential = await navigator.credentials.create({ publicKey: {
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        rp: { name: 'Fixture', id: 'localhost' },
        user: { id: new Uint8Array([1, 2, 3, 4]), name: 'ada@example.com', displayName: 'Ada' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      } });
      return { type: credential.type, attachment: credential.authenticatorAttachment };
    }</script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  afterAll(() => server.close());

  it('opens a localhost page in Chromium where navigator.credentials.create succeeds', async () => {
    const port = await listen(server);
    const browser = await launchBrowser();
    try {
      const tab = await browser.context.newPage();
      await tab.goto(`http://localhost:${port}/`);
      expect(await tab.title()).toBe('fixture');
      const { authenticatorId, session } = await addVirtualAuthenticator(tab);
      expect(await tab.evaluate('register()')).toEqual({ type: 'public-key', attachment: 'platform' });
      const { credentials } = await session.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]).toMatchObject({ rpId: 'localhost', isResidentCredential: true, userHandle: 'AQIDBA==' });
    } finally {
      await browser.close();
    }
  });
});
