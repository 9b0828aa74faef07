import type { AuditService } from '../audit/audit.service';
import type { TransactionHost } from '../database/transaction-host';
import type { LoginThrottle } from '../rate-limit/login-throttle';
import type { SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { MfaRequiredError, OneSecondFactorError } from './mfa.errors';
import type { MfaChallengesRepository } from './mfa-challenges.repository';
import { MfaLoginService } from './mfa-login.service';
import type { PasskeySecondFactor } from './passkey-second-factor';
import type { TotpFactors } from './totp-factors.service';

const USER = { id: 'user-1', email: 'ada@example.com' } as User;

function serviceWith({ passkeys }: { passkeys: number }) {
  const inserted: { tokenHash: string; userId: string; expiresAt: Date }[] = [];
  const challenges = {
    insert: (challenge: (typeof inserted)[number]) => Promise.resolve(void inserted.push(challenge)),
  } as unknown as MfaChallengesRepository;
  const passkeySeam = { count: () => Promise.resolve(passkeys) } as unknown as PasskeySecondFactor;
  const none = {} as unknown;
  const service = new MfaLoginService(
    none as TransactionHost,
    challenges,
    none as TotpFactors,
    passkeySeam,
    none as UsersService,
    none as LoginThrottle,
    none as SessionsService,
    none as AuditService,
  );
  return { service, inserted };
}

/** What the sign-in's read found: TOTP on or off. */
async function requirement(service: MfaLoginService, totp: boolean): Promise<MfaRequiredError | undefined> {
  try {
    await service.requireSecondFactor(USER, totp);
    return undefined;
  } catch (error) {
    if (error instanceof MfaRequiredError) return error;
    throw error;
  }
}

describe('MfaLoginService.requireSecondFactor', () => {
  it('lets an account without TOTP through, passkeys or not (a passkey alone is a passwordless way in)', async () => {
    const { service, inserted } = serviceWith({ passkeys: 2 });
    expect(await requirement(service, false)).toBeUndefined();
    expect(inserted).toEqual([]);
  });

  it('answers mfa_required with a token stored only as its hash, living five minutes', async () => {
    const { service, inserted } = serviceWith({ passkeys: 0 });
    const before = Date.now();
    const error = await requirement(service, true);
    expect(error?.status).toBe(401);
    expect(error?.details).toEqual({
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      methods: ['totp', 'recovery_code'],
    });
    const token = (error?.details as { mfa_token: string }).mfa_token;
    expect(inserted).toHaveLength(1);
    expect(inserted[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(inserted[0].tokenHash).not.toContain(token);
    expect(inserted[0].expiresAt.getTime() - before).toBeGreaterThanOrEqual(299_000);
    expect(inserted[0].expiresAt.getTime() - before).toBeLessThanOrEqual(301_000);
  });

  it('offers passkey as a method when the user has one', async () => {
    expect((await requirement(serviceWith({ passkeys: 1 }).service, true))?.details).toMatchObject({
      methods: ['totp', 'recovery_code', 'passkey'],
    });
  });
});

describe('MfaLoginService.finish', () => {
  it('refuses a body without exactly one answer before it looks anything up', async () => {
    const { service } = serviceWith({ passkeys: 0 });
    const client = { ip: null, userAgent: null };
    await expect(service.finish({ mfaToken: 't' }, client)).rejects.toBeInstanceOf(OneSecondFactorError);
    await expect(service.finish({ mfaToken: 't', code: '123456', recoveryCode: 'x' }, client)).rejects.toBeInstanceOf(
      OneSecondFactorError,
    );
  });
});
