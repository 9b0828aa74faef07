import { setTimeout as sleep } from 'node:timers/promises';

import { generateSync } from 'otplib';
import TestAgent from 'supertest/lib/agent';

import { loginAs, LoginResult, RegisteredUser, registerUser } from './factories';

const STEP_MS = 30_000;

/**
 * The current TOTP time step, once at least 6 s of it are left (else after waiting for the next):
 * the codes of the step before, this one and the next stay valid (±1 step) through a test.
 */
export async function freshStep(): Promise<number> {
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 6000) await sleep(STEP_MS - into + 50);
  return Math.floor(Date.now() / STEP_MS);
}

/** The code an authenticator app shows for `secret` during time step `step`. */
export const codeAt = (secret: string, step: number): string => generateSync({ secret, epoch: step * 30 });

export interface TotpUser extends RegisteredUser {
  session: LoginResult;
  secret: string;
  recoveryCodes: string[];
  /** The step whose code confirmed the enrolment (used up): a test uses `step + 1` and beyond, or waits. */
  step: number;
}

/** Registers a user, signs in and turns TOTP on through the real endpoints, with the code of the step before now. */
export async function userWithTotp(api: () => TestAgent): Promise<TotpUser> {
  const user = await registerUser(api);
  const session = await loginAs(api, user);
  const step = await freshStep();
  const enrolment = await api().post('/api/v1/me/mfa/totp').auth(session.token, { type: 'bearer' }).send({}).expect(200);
  const secret = enrolment.body.secret as string;
  const confirmed = await api()
    .post('/api/v1/me/mfa/totp/confirm')
    .auth(session.token, { type: 'bearer' })
    .send({ code: codeAt(secret, step - 1) })
    .expect(200);
  return { ...user, session, secret, recoveryCodes: confirmed.body.recovery_codes as string[], step: step - 1 };
}

/** The mfa_token a right password earns for an account with TOTP on. */
export async function mfaTokenOf(api: () => TestAgent, user: Pick<RegisteredUser, 'email' | 'password'>): Promise<string> {
  const response = await api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);
  return response.body.details.mfa_token as string;
}
