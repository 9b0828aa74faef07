import type { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors/app-error';
import type { Principal } from '../common/request/principal';
import type { AttemptOutcome, LoginThrottle, ThrottledAttempt } from '../rate-limit/login-throttle';
import type { PasswordHasher } from '../users/password-hasher';
import type { UsersService } from '../users/users.service';
import { WrongCurrentPasswordError } from './account.errors';
import { PasswordConfirmation } from './password-confirmation';
import { SecondFactorCheck } from './second-factor';

const PRINCIPAL: Principal = {
  userId: 'user-1',
  sessionId: 'session-1',
  email: ' Ada@Example.com',
  systemRole: 'admin',
  organizationId: null,
};

/** A second factor that answers as told and remembers the codes it saw. */
class ScriptedSecondFactor extends SecondFactorCheck {
  readonly seen: (string | undefined)[] = [];
  constructor(private readonly answer: AppError | null) {
    super();
  }
  verify(_userId: string, code: string | undefined): Promise<AppError | null> {
    this.seen.push(code);
    return Promise.resolve(this.answer);
  }
}

function confirmationWith(secondFactor: SecondFactorCheck) {
  const attempts: { attempt: ThrottledAttempt; outcome: AttemptOutcome<unknown> }[] = [];
  // The throttle's part here: run the check once, record what it came to, throw its error.
  const throttle = {
    attempt: async (attempt: ThrottledAttempt, check: () => Promise<AttemptOutcome<unknown>>) => {
      const outcome = await check();
      attempts.push({ attempt, outcome });
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    },
  } as unknown as LoginThrottle;
  const users = { findPasswordHash: () => Promise.resolve('hash-of-right-password') } as unknown as UsersService;
  const passwords = {
    verify: (password: string, hash: string) => Promise.resolve(hash === `hash-of-${password}`),
  } as unknown as PasswordHasher;
  const audit = { recordBestEffort: () => Promise.resolve() } as unknown as AuditService;
  return { confirmation: new PasswordConfirmation(users, passwords, throttle, audit, secondFactor), attempts };
}

describe('PasswordConfirmation', () => {
  it('counts a wrong password toward the throttle of the normalised account, without asking the second factor', async () => {
    const secondFactor = new ScriptedSecondFactor(null);
    const { confirmation, attempts } = confirmationWith(secondFactor);
    await expect(
      confirmation.confirm(PRINCIPAL, { password: 'wrong', secondFactor: { code: '123456' } }, '203.0.113.1', 'delete_account'),
    ).rejects.toBeInstanceOf(WrongCurrentPasswordError);
    expect(attempts).toEqual([
      {
        attempt: { account: 'ada@example.com', address: '203.0.113.1', action: 'delete_account' },
        outcome: expect.objectContaining({ ok: false, userId: 'user-1' }),
      },
    ]);
    expect(secondFactor.seen).toEqual([]);
  });

  it('answers the second factor’s refusal after the right password, and counts it as a failure (the MFA seam)', async () => {
    const refusal = new AppError('invalid_credentials', 'The code is wrong');
    const secondFactor = new ScriptedSecondFactor(refusal);
    const { confirmation, attempts } = confirmationWith(secondFactor);
    await expect(
      confirmation.confirm(PRINCIPAL, { password: 'right-password', secondFactor: { code: '000000' } }, null, 'delete_account'),
    ).rejects.toBe(refusal);
    expect(secondFactor.seen).toEqual(['000000']);
    expect(attempts[0].outcome).toEqual({ ok: false, error: refusal, userId: 'user-1' });
  });

  it('goes on with the right password, asking the second factor only where the action needs one', async () => {
    const secondFactor = new ScriptedSecondFactor(null);
    const { confirmation, attempts } = confirmationWith(secondFactor);
    await confirmation.confirm(
      PRINCIPAL,
      { password: 'right-password', secondFactor: { code: undefined } },
      null,
      'delete_account',
    );
    await confirmation.confirm(PRINCIPAL, { password: 'right-password' }, null, 'change_password');
    expect(secondFactor.seen).toEqual([undefined]);
    expect(attempts.map(({ outcome }) => outcome.ok)).toEqual([true, true]);
  });
});
