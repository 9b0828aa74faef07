import { randomUUID } from 'node:crypto';

/** One answer the load got: what was asked, when, how long it took, and what came back. */
export interface Outcome {
  kind: 'refresh' | 'me' | 'register';
  /** ms since the load started (performance.now() based). */
  start: number;
  end: number;
  status: number;
  body: { code?: string; message?: string; details?: unknown } | undefined;
  retryAfter: string | null;
}

/** A refresh chain: a session whose newest tokens the load keeps. */
export interface Chain {
  email: string;
  token: string;
  refresh: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A steady mixed load on a running service, as its clients would make it: each chain refreshed
 * in a loop (a 503 keeps the token and retries), GET /me with each chain's newest access token,
 * and registrations of new accounts. Every answer is recorded; `stop()` ends the loops and waits
 * for the requests in flight.
 */
export class MixedLoad {
  readonly outcomes: Outcome[] = [];
  /** Accounts whose registration was answered 200. */
  readonly registered: { email: string; password: string }[] = [];
  private running = true;
  private readonly workers: Promise<void>[] = [];
  private readonly origin = performance.now();

  constructor(
    private readonly base: string,
    readonly chains: Chain[],
    registrationWorkers = 2,
  ) {
    for (const chain of chains)
      this.workers.push(
        this.loop(() => this.refresh(chain), 30),
        this.loop(() => this.me(chain), 30),
      );
    for (let i = 0; i < registrationWorkers; i++) this.workers.push(this.loop(() => this.register(), 80));
  }

  /** ms since the load started, on the clock of `Outcome.start`. */
  now(): number {
    return performance.now() - this.origin;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async loop(step: () => Promise<void>, pauseMs: number): Promise<void> {
    while (this.running) {
      await step();
      await sleep(pauseMs);
    }
  }

  private async refresh(chain: Chain): Promise<void> {
    const { status, body } = await this.call('refresh', 'POST', '/api/v1/refresh-token', { refresh_token: chain.refresh });
    if (status === 200) {
      chain.refresh = body.refresh_token as string;
      chain.token = body.token as string;
    }
  }

  private async me(chain: Chain): Promise<void> {
    await this.call('me', 'GET', '/api/v1/me', undefined, chain.token);
  }

  private async register(): Promise<void> {
    const account = { email: `load-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
    const { status } = await this.call('register', 'POST', '/api/v1/register', {
      name: 'Load',
      username: account.email,
      password: account.password,
    });
    if (status === 200) this.registered.push(account);
  }

  private async call(
    kind: Outcome['kind'],
    method: string,
    path: string,
    body?: object,
    token?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const start = this.now();
    let status = 0;
    let parsed: Record<string, unknown> | undefined;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      parsed = (await response.json()) as Record<string, unknown>;
    } catch {
      // status 0: no HTTP answer at all (a reset connection, a timeout); the test counts it as a failure
    }
    this.outcomes.push({ kind, start, end: this.now(), status, body: parsed, retryAfter });
    return { status, body: parsed ?? {} };
  }
}
