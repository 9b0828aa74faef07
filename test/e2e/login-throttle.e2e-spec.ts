import { randomUUID } from 'node:crypto';

import { loginAs, RegisteredUser, registerUser } from '../support/factories';
import { bearer } from '../support/team';
import { useTestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Behind a trusted proxy (TRUST_PROXY=loopback), X-Forwarded-For names the client: one test plays
// many clients. A block lasts far longer than any test, so a 429 longer than the delay is a block.
const THROTTLE_ENV = {
  TRUST_PROXY: 'loopback',
  LOGIN_FREE_FAILURES: '3',
  LOGIN_MAX_FAILURES: '4',
  LOGIN_MAX_DELAY: '2s',
  LOGIN_BLOCK_DURATION: '15m',
  LOGIN_FAILURE_WINDOW: '1h',
};
const MAX_DELAY_MS = 2000;
const BLOCK_SECONDS = 900;

describe('an attacker guessing one account’s password', () => {
  const t = useTestApp({ env: THROTTLE_ENV });

  const login = (address: string, username: string, password: string) =>
    t.api().post('/api/v1/login').set('X-Forwarded-For', address).send({ username, password });
  const retryAfter = (response: { headers: Record<string, string> }) => Number(response.headers['retry-after']);

  /** Fails `times` password checks from one address, waiting its turn whenever the account is delayed. */
  async function failFrom(address: string, email: string, times: number): Promise<void> {
    for (let failures = 0; failures < times;) {
      const response = await login(address, email, 'wrong-password');
      if (response.status === 429) {
        expect(retryAfter(response)).toBeLessThanOrEqual(MAX_DELAY_MS / 1000);
        await sleep(retryAfter(response) * 1000);
      } else {
        expect([401, 404]).toContain(response.status);
        failures++;
      }
    }
  }

  /** Signs in as a client that honours Retry-After does: the final answer, the attempts and the time it took. */
  async function signInPatiently(address: string, user: Pick<RegisteredUser, 'email' | 'password'>) {
    const started = performance.now();
    const answers: { status: number; retryAfter: number }[] = [];
    for (;;) {
      const response = await login(address, user.email, user.password);
      answers.push({ status: response.status, retryAfter: retryAfter(response) });
      if (response.status !== 429 || answers.length >= 3) return { answers, ms: performance.now() - started };
      await sleep(retryAfter(response) * 1000);
    }
  }

  it('cannot lock the owner out: from a clean address the owner signs in within LOGIN_MAX_DELAY while the attack goes on', async () => {
    const owner = await registerUser(t.api);
    let stop = false;
    let next = 1;
    let checkedFailures = 0;
    const refusals: number[] = [];
    // Bots rotating addresses: each waits its turn when the account is delayed, and takes a new
    // address once its own is blocked.
    const bot = async () => {
      let address = `203.0.113.${next++}`;
      while (!stop) {
        const response = await login(address, owner.email, `guess-${randomUUID()}`);
        if (response.status === 401) checkedFailures++;
        else if (retryAfter(response) > MAX_DELAY_MS / 1000) address = `203.0.113.${next++}`;
        else {
          refusals.push(retryAfter(response));
          await sleep(retryAfter(response) * 1000);
        }
      }
    };
    const bots = Array.from({ length: 6 }, bot);
    await sleep(2500);

    const owners = await signInPatiently('198.51.100.1', owner);
    stop = true;
    await Promise.all(bots);

    // The account was under attack: delayed, not blocked, and far past LOGIN_MAX_FAILURES.
    expect(checkedFailures).toBeGreaterThan(4);
    expect(Math.max(...refusals)).toBeLessThanOrEqual(MAX_DELAY_MS / 1000);
    // At most one wait (its turn, within LOGIN_MAX_DELAY), then signed in.
    expect(owners.answers.map((answer) => answer.status)).toEqual(expect.arrayContaining([200]));
    expect(owners.answers.length).toBeLessThanOrEqual(2);
    if (owners.answers.length === 2) expect(owners.answers[0]?.retryAfter).toBeLessThanOrEqual(MAX_DELAY_MS / 1000);
    expect(owners.ms).toBeLessThan(MAX_DELAY_MS + 1500);
  });

  it('blocks the attacking address for that account, the right password included, and nobody else', async () => {
    const owner = await registerUser(t.api);
    const bystander = await registerUser(t.api);
    await failFrom('203.0.113.50', owner.email, 4);

    const blocked = await login('203.0.113.50', owner.email, owner.password).expect(429);
    expect(blocked.body).toEqual({
      code: 'rate_limited',
      message: expect.any(String),
      details: { retry_after: expect.any(Number) },
    });
    expect(retryAfter(blocked)).toBeGreaterThan(BLOCK_SECONDS - 10);
    expect((await signInPatiently('198.51.100.2', owner)).answers.at(-1)?.status).toBe(200);
    await login('203.0.113.50', bystander.email, bystander.password).expect(200);

    const audited = await t.dataSource.query<{ ip: string; details: Record<string, unknown> }[]>(
      `SELECT ip, details FROM audit_events WHERE type = 'login.blocked' AND details->>'email' = $1`,
      [owner.email],
    );
    expect(audited).toEqual([{ ip: '203.0.113.50', details: { email: owner.email, failures: 4, lock_seconds: BLOCK_SECONDS } }]);
  });

  it('counts an IPv6 client per /64: another address of the same network is blocked too, the next network is not', async () => {
    const owner = await registerUser(t.api);
    await failFrom('2001:db8:1:2::1', owner.email, 4);
    await login('2001:db8:1:2:ffff:ffff:ffff:ffff', owner.email, owner.password).expect(429);
    const next = await signInPatiently('2001:db8:1:3::1', owner);
    expect(next.answers.at(-1)?.status).toBe(200);
  });

  it('lets the delay double up to LOGIN_MAX_DELAY and never grow into a block of the account', async () => {
    const owner = await registerUser(t.api);
    for (let i = 0; i < 4; i++) await failFrom(`203.0.113.${100 + i}`, owner.email, 2);
    const delays = await t.dataSource.query<{ details: { failures: number; lock_seconds: number } }[]>(
      `SELECT details FROM audit_events WHERE type = 'login.delayed' AND details->>'email' = $1 ORDER BY occurred_at`,
      [owner.email],
    );
    expect(delays.map((row) => [row.details.failures, row.details.lock_seconds])).toEqual([
      [4, 1],
      [5, 2],
    ]);
    expect((await signInPatiently('198.51.100.3', owner)).answers.at(-1)?.status).toBe(200);
  });

  it('gives a crowd of fresh addresses one check at a time, and honours the turns it hands the rest', async () => {
    const owner = await registerUser(t.api);
    await failFrom('203.0.113.140', owner.email, 3);
    await failFrom('203.0.113.141', owner.email, 1); // past the free failures: delayed 1 s, under attack
    await sleep(1100);

    const crowd = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => login(`203.0.113.${150 + i}`, owner.email, 'wrong-password')),
      login('198.51.100.60', owner.email, owner.password),
    ]);
    const guesses = crowd.slice(0, 10);
    expect(guesses.filter((guess) => guess.status === 401).length).toBeLessThanOrEqual(3);
    for (const refused of guesses.filter((guess) => guess.status === 429))
      expect(retryAfter(refused)).toBeLessThanOrEqual(MAX_DELAY_MS / 1000);

    // A client turned away comes back after its Retry-After and is checked, new delays or not.
    const turnedAway = guesses.findIndex((guess) => guess.status === 429);
    await sleep(retryAfter(guesses[turnedAway]) * 1000);
    await login(`203.0.113.${150 + turnedAway}`, owner.email, 'wrong-password').expect(401);
    // The owner caught in the crowd waits one turn at most.
    const ownerFirst = crowd[10] as { status: number; headers: Record<string, string> };
    if (ownerFirst.status === 429) {
      await sleep(retryAfter(ownerFirst) * 1000);
      await login('198.51.100.60', owner.email, owner.password).expect(200);
    } else expect(ownerFirst.status).toBe(200);
  });

  it('throttles unknown accounts exactly like known ones', async () => {
    const ghost = `ghost-${randomUUID()}@example.com`;
    await failFrom('203.0.113.120', ghost, 4);
    const refused = await login('203.0.113.120', ghost, 'whatever-password').expect(429);
    expect(retryAfter(refused)).toBeGreaterThan(BLOCK_SECONDS - 10);
  });

  it('forgets the blocks and the delay once the owner resets the password', async () => {
    const owner = await registerUser(t.api);
    // The owner's own address (or an attacker behind the same NAT) got blocked.
    await failFrom('198.51.100.30', owner.email, 4);
    await login('198.51.100.30', owner.email, owner.password).expect(429);

    await t
      .api()
      .post('/api/v1/password/forgot')
      .set('X-Forwarded-For', '198.51.100.30')
      .send({ username: owner.email })
      .expect(200);
    const [{ text_body: body }] = await t.dataSource.query<{ text_body: string }[]>(
      `SELECT text_body FROM outbox_emails WHERE to_address = $1 AND subject = 'Reset your password'`,
      [owner.email],
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
    await t.api().post('/api/v1/password/reset').send({ token, password: 'a-brand-new-password' }).expect(200);

    // At once: no block from before the reset, no delay either.
    await login('198.51.100.30', owner.email, 'a-brand-new-password').expect(200);
  });

  it('counts wrong current passwords of POST /me/password: a stolen access token cannot guess the password', async () => {
    const owner = await registerUser(t.api);
    const stolen = await loginAs(t.api, owner);
    const changePassword = (address: string, current: string, next: string) =>
      t
        .api()
        .post('/api/v1/me/password')
        .set('X-Forwarded-For', address)
        .set(bearer(stolen.token))
        .send({ current_password: current, new_password: next });

    for (let i = 0; i < 4; i++) await changePassword('203.0.113.80', `guess-${i}-password`, 'thief-password').expect(401);
    // The thief's address is blocked for this account: at /me/password and at login alike.
    await changePassword('203.0.113.80', owner.password, 'thief-password').expect(429);
    await login('203.0.113.80', owner.email, owner.password).expect(429);

    // The owner, elsewhere, waits the account's delay at most, then changes the password.
    let changed = await changePassword('198.51.100.40', owner.password, 'owner-new-password');
    if (changed.status === 429) {
      expect(retryAfter(changed)).toBeLessThanOrEqual(MAX_DELAY_MS / 1000);
      await sleep(retryAfter(changed) * 1000);
      changed = await changePassword('198.51.100.40', owner.password, 'owner-new-password');
    }
    expect(changed.status).toBe(200);
    // A change clears the account's counters: the address blocked before is not any more.
    await login('203.0.113.80', owner.email, 'owner-new-password').expect(200);
  });
});

describe('parallel guesses at one account', () => {
  // No delay and no block in reach: what is refused here is refused by the one-check-at-a-time rule.
  const t = useTestApp({ env: { TRUST_PROXY: 'loopback', LOGIN_FREE_FAILURES: '50', LOGIN_MAX_FAILURES: '50' } });
  const login = (address: string, username: string, password: string) =>
    t.api().post('/api/v1/login').set('X-Forwarded-For', address).send({ username, password });

  it('refuses parallel guesses from one address instead of queueing them; the owner elsewhere waits one turn at most', async () => {
    const owner = await registerUser(t.api);
    const [ownerAnswer, ...guesses] = await Promise.all([
      login('198.51.100.4', owner.email, owner.password),
      ...Array.from({ length: 8 }, () => login('203.0.113.90', owner.email, 'wrong-password')),
    ]);
    // One password check per account and address at a time: the others are refused at once.
    const statuses = guesses.map((guess) => guess.status);
    expect(statuses).toContain(429);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    // A check of the account was running: the owner got a turn of 1 s, honoured whatever the guesses do.
    if (ownerAnswer?.status === 429) {
      expect(ownerAnswer.headers['retry-after']).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await Promise.all([
        login('198.51.100.4', owner.email, owner.password).expect(200),
        ...Array.from({ length: 4 }, () => login('203.0.113.91', owner.email, 'wrong-password')),
      ]);
    } else expect(ownerAnswer?.status).toBe(200);
  });
});

describe('refused login attempts are held', () => {
  const t = useTestApp({ env: { ...THROTTLE_ENV, LOGIN_MAX_FAILURES: '1', LOGIN_REFUSAL_DELAY_MS: '400' } });

  it('answers a refused attempt only after LOGIN_REFUSAL_DELAY_MS', async () => {
    const user = await registerUser(t.api);
    await t.api().post('/api/v1/login').send({ username: user.email, password: 'wrong-password' }).expect(401);
    const started = performance.now();
    const refused = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(429);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(refused.body.code).toBe('rate_limited');
  });
});
