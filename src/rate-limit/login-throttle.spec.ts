import { Logger } from 'pino';

import { LoginSettings } from '../config/login.settings';
import { MetricsService } from '../metrics/metrics.service';
import { AttemptOutcome, Lockout, LoginThrottle, ThrottledAttempt } from './login-throttle';
import { MemoryCounterStore } from './memory-counter-store';
import { RateLimitedError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit-store';

/**
 * The lockout schedule of the login throttle (the Auth0 model), in process memory with a fake
 * clock: free failures, then doubling delays of the account capped at LOGIN_MAX_DELAY, served as
 * turns; a block of one client address for the account after LOGIN_MAX_FAILURES; the owner from
 * another address never blocked; a password reset forgetting it all.
 */
describe('LoginThrottle: the lockout schedule', () => {
  const settings = {
    freeFailures: 3,
    maxFailures: 6,
    failureWindowSeconds: 3600,
    blockSeconds: 900,
    maxDelaySeconds: 8,
    refusalDelayMs: 0,
  } as LoginSettings;
  const ACCOUNT = 'owner@example.com';
  const ATTACKER = '203.0.113.7';
  const OWNER = '198.51.100.20';

  let store: RateLimitStore;
  let throttle: LoginThrottle;
  let lockouts: Lockout[];

  function startThrottle(overrides: Partial<LoginSettings> = {}): void {
    const metrics = new MetricsService();
    store = new RateLimitStore(new MemoryCounterStore(), { warn: () => undefined } as unknown as Logger, metrics);
    throttle = new LoginThrottle({ ...settings, ...overrides }, store, metrics);
  }

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    startThrottle();
    lockouts = [];
  });
  afterEach(async () => {
    await store.onApplicationShutdown();
    jest.useRealTimers();
  });

  const WRONG: AttemptOutcome<string> = { ok: false, error: new Error('invalid_credentials'), userId: 'user-1' };
  const RIGHT: AttemptOutcome<string> = { ok: true, value: 'signed in' };

  /** One attempt from `address`: what the caller sees (the value, the check's error, or a 429's Retry-After). */
  async function attempt(address: string, outcome: AttemptOutcome<string>): Promise<string | { retryAfter: number }> {
    const who: ThrottledAttempt = { account: ACCOUNT, address, action: 'login' };
    try {
      return await throttle.attempt(
        who,
        () => Promise.resolve(outcome),
        (lockout) => {
          lockouts.push(lockout);
          return Promise.resolve();
        },
      );
    } catch (error) {
      if (error instanceof RateLimitedError) return { retryAfter: (error.details as { retry_after: number }).retry_after };
      return (error as Error).message;
    }
  }

  it('lets the free failures through, then delays the account 1 s, 2 s, 4 s … up to LOGIN_MAX_DELAY, one turn per wait', async () => {
    await store.onApplicationShutdown();
    startThrottle({ maxFailures: 100 });
    for (let i = 0; i < settings.freeFailures; i++) expect(await attempt(ATTACKER, WRONG)).toBe('invalid_credentials');
    expect(lockouts).toEqual([]);

    const delays: number[] = [];
    for (let failure = settings.freeFailures + 1; failure <= settings.freeFailures + 5; failure++) {
      if (failure > settings.freeFailures + 1) {
        // Delayed: the first attempt is told to wait, an attempt during the wait hears what is left …
        const told = await attempt(ATTACKER, WRONG);
        expect(told).toEqual({ retryAfter: delays[delays.length - 1] });
        await jest.advanceTimersByTimeAsync(500);
        expect(await attempt(ATTACKER, WRONG)).toEqual({ retryAfter: Math.ceil(delays[delays.length - 1] - 0.5) });
        // … and the attempt after the wait is checked.
        await jest.advanceTimersByTimeAsync(delays[delays.length - 1] * 1000);
      }
      expect(await attempt(ATTACKER, WRONG)).toBe('invalid_credentials');
      delays.push(lockouts.length > 0 ? lockouts[lockouts.length - 1].lockSeconds : 0);
    }
    expect(delays).toEqual([1, 2, 4, 8, 8]);
    // The cap repeats no lockout: only a longer delay is announced.
    expect(lockouts.map((l) => [l.kind, l.failures, l.lockSeconds])).toEqual([
      ['delay', 4, 1],
      ['delay', 5, 2],
      ['delay', 6, 4],
      ['delay', 7, 8],
    ]);
  });

  it('blocks the guessing address for the account after LOGIN_MAX_FAILURES, even with the right password, and never the owner elsewhere', async () => {
    for (let failure = 1; failure <= settings.maxFailures; failure++) {
      let answer = await attempt(ATTACKER, WRONG);
      while (typeof answer !== 'string') {
        await jest.advanceTimersByTimeAsync(answer.retryAfter * 1000);
        answer = await attempt(ATTACKER, WRONG);
      }
    }
    expect(lockouts.filter((l) => l.kind === 'block')).toEqual([
      { kind: 'block', failures: 6, lockSeconds: 900, userId: 'user-1' },
    ]);

    expect(await attempt(ATTACKER, RIGHT)).toEqual({ retryAfter: 900 });

    // The owner, from an address with no failures, waits at most one delay and signs in.
    const first = await attempt(OWNER, RIGHT);
    expect(first).toEqual({ retryAfter: expect.any(Number) });
    expect((first as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(settings.maxDelaySeconds);
    await jest.advanceTimersByTimeAsync((first as { retryAfter: number }).retryAfter * 1000);
    expect(await attempt(OWNER, RIGHT)).toBe('signed in');

    expect(await attempt(ATTACKER, RIGHT)).toEqual({ retryAfter: expect.any(Number) });

    // The block ends after LOGIN_BLOCK_DURATION.
    await jest.advanceTimersByTimeAsync(900 * 1000);
    expect(await attempt(ATTACKER, RIGHT)).toBe('signed in');
  });

  it("a password reset (clear) forgets the account's delay and every address's block and count", async () => {
    for (let failure = 1; failure <= settings.maxFailures; failure++) {
      let answer = await attempt(ATTACKER, WRONG);
      while (typeof answer !== 'string') {
        await jest.advanceTimersByTimeAsync(answer.retryAfter * 1000);
        answer = await attempt(ATTACKER, WRONG);
      }
    }
    expect(await attempt(ATTACKER, RIGHT)).toEqual({ retryAfter: expect.any(Number) });

    await jest.advanceTimersByTimeAsync(1000);
    await throttle.clear(ACCOUNT);
    expect(await attempt(ATTACKER, RIGHT)).toBe('signed in');
    // Counting starts again from nothing: the free failures are free again.
    for (let i = 0; i < settings.freeFailures; i++) expect(await attempt(ATTACKER, WRONG)).toBe('invalid_credentials');
    expect(await attempt(OWNER, RIGHT)).toBe('signed in');
  });
});
