import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';

import { Client } from 'pg';

import { RATE_LIMITED_ACTIONS } from '../src/config/rate-limit.settings';

// One data key per run, so a second replica reads the keys the first stored.
const DATA_ENCRYPTION_KEY = randomBytes(32).toString('base64');

// Benchmarks send everything from 127.0.0.1: per-IP limits would measure the limiter, not the service.
const UNLIMITED = Object.fromEntries(
  RATE_LIMITED_ACTIONS.map((action) => [`RATE_LIMIT_${action.toUpperCase()}`, '100000000/1m']),
);

export interface Service {
  base: string;
  /** The database it runs on (undefined: embedded), for a second replica. */
  databaseUrl: string | undefined;
  /** The service process's id, to read its memory from /proc. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The Node.js flags `npm run start:prod` (and the image) start the service with, e.g. the young
 * generation's size: a benchmark measures the service as it runs in production.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts['start:prod'].split(/\s+/);
  return words.slice(1, words.indexOf('dist/src/main.js'));
}

/** The server benchmarks create their databases on: BENCH_DATABASE_URL, DATABASE_URL, or the local PostgreSQL; or "embedded". */
export function benchServer(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/** A fresh, empty database on `server`, and how to drop it. */
export async function createBenchDatabase(server = benchServer()): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `identity_bench_${randomBytes(4).toString('hex')}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * Starts the built service (dist/) as its own process, with the flags of `npm run start:prod`, on
 * a fresh database of benchServer() (unless given one to share), so the load generator does not
 * share its event loop. BENCH_DATABASE_URL=embedded uses the embedded database instead. `entry`
 * runs another program the same way (bench:login's floor).
 */
export async function startBuiltService(
  env: Record<string, string>,
  sharedDatabaseUrl?: string,
  entry = [join(__dirname, '..', 'dist', 'src', 'main.js')],
): Promise<Service> {
  let databaseUrl: string | undefined = sharedDatabaseUrl;
  let dropDatabase = async () => {};
  if (benchServer() !== 'embedded' && !sharedDatabaseUrl) {
    const database = await createBenchDatabase();
    databaseUrl = database.url;
    dropDatabase = () => database.drop();
  }
  const port = 18000 + Math.floor(Math.random() * 1000);
  let stopping = false;
  // BENCH_PROFILE_DIR=dir writes a CPU profile of each service process there (open in Chrome DevTools),
  // sampled every BENCH_PROFILE_INTERVAL µs (1,000).
  const profile = process.env.BENCH_PROFILE_DIR
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`,
        `--cpu-prof-interval=${process.env.BENCH_PROFILE_INTERVAL ?? 1000}`,
      ]
    : [];
  const args = [...productionNodeFlags(), ...profile, ...entry];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: '',
      DATA_ENCRYPTION_KEY,
      ...UNLIMITED,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    },
    // Request logs are written (their cost counts) to /dev/null; errors still show.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`service on port ${port} exited unexpectedly (code ${code}, signal ${signal})\n`);
  });
  const base = `http://127.0.0.1:${port}`;
  let ready = false;
  for (let i = 0; i < 300 && !ready; i++) {
    try {
      ready = (await fetch(`${base}/readyz`)).ok;
    } catch {
      // starting
    }
    if (!ready) await sleep(200);
  }
  if (!ready) {
    stopping = true;
    child.kill('SIGKILL');
    await dropDatabase();
    throw new Error(`the service on port ${port} did not become ready within a minute`);
  }
  return {
    base,
    databaseUrl,
    pid: child.pid as number,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return dropDatabase();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await dropDatabase();
    },
  };
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface LoadResult {
  completed: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the last answers,
 * until `deadline` (performance.now()); `done` sees each request's start, end and outcome.
 */
export async function closedLoop(
  concurrency: number,
  deadline: number,
  request: (worker: number) => Promise<boolean>,
  done: (t0: number, t1: number, ok: boolean) => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await request(worker).catch(() => false);
        done(t0, performance.now(), ok);
      }
    }),
  );
}

/** closedLoop for `seconds`, with its rate and latencies. */
export async function runLoad(
  concurrency: number,
  seconds: number,
  request: (worker: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await closedLoop(concurrency, started + seconds * 1000, request, (t0, t1, ok) => {
    latencies.push(t1 - t0);
    if (!ok) errors++;
  });
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

// node:http with keep-alive: about 1 ms cheaper per request than fetch on this kind of machine,
// and the load generator shares the CPU with the service it measures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** One request to `base` (http://host:port); the body is sent and read as JSON. */
export function call(
  base: string,
  method: string,
  path: string,
  options: { body?: object; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Closes the keep-alive connections so the process can exit. */
export function closeConnections(): void {
  agent.destroy();
}

/**
 * A lean load client: one keep-alive HTTP/1.1 socket per worker, one request at a time, and only
 * the parsing a benchmark needs (status line, Content-Length, body). The load generator shares
 * the machine's cores with the service it measures; node:http's client costs about as much CPU
 * per request as a light route of the service itself, and that CPU is taken from the service.
 * The service answers every request with a Content-Length (no chunked bodies), which this relies on.
 */
export class LeanClient {
  private readonly connections = new Map<number, LeanConnection>();

  constructor(private readonly base: string) {}

  async call(worker: number, method: string, path: string, options: { body?: object; token?: string } = {}): Promise<LeanAnswer> {
    let connection = this.connections.get(worker);
    if (!connection || connection.closed) {
      const url = new URL(this.base);
      connection = await LeanConnection.open(url.hostname, Number(url.port));
      this.connections.set(worker, connection);
    }
    const payload = options.body === undefined ? '' : JSON.stringify(options.body);
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${new URL(this.base).host}\r\n` +
      (options.token ? `Authorization: Bearer ${options.token}\r\n` : '') +
      (payload ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` : '') +
      '\r\n';
    return connection.send(head + payload);
  }

  close(): void {
    for (const connection of this.connections.values()) connection.destroy();
    this.connections.clear();
  }
}

export interface LeanAnswer {
  status: number;
  /** The body as text; JSON.parse it when needed (the client does not, to stay cheap). */
  text: string;
}

class LeanConnection {
  closed = false;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: LeanAnswer) => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const fail = (error?: Error) => {
      this.closed = true;
      this.waiting?.reject(error ?? new Error('connection closed'));
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static open(host: string, port: number): Promise<LeanConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new LeanConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: string): Promise<LeanAnswer> {
    if (this.waiting) throw new Error('one request at a time per connection');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const end = headerEnd + 4 + length;
    if (this.buffer.length < end) return;
    const answer = { status: Number(head.slice(9, 12)), text: this.buffer.toString('utf8', headerEnd + 4, end) };
    this.buffer = this.buffer.subarray(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
  }
}
