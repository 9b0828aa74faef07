/**
 * npm run bench:mfa — the time of one sign-in with TOTP (POST /login answering 401 mfa_required,
 * then POST /login/mfa with the current code) beside one without (POST /login answering the
 * session), one at a time, on the built service (npm run build first).
 *
 * For each cost (BENCH_COSTS, default 4,12: the first shows what the second step costs beyond
 * the hash, the second is the default BCRYPT_COST) a fresh service on a fresh database, with
 * BENCH_USERS accounts of each kind (default 30) made through the API, TOTP turned on through the
 * API. Each account signs in once (a TOTP code is accepted once per account and time step); the
 * two kinds alternate, so a drift of the machine's speed hits both alike.
 */
import { generateSync } from 'otplib';

import { call, closeConnections, fmt, percentile, startBuiltService } from './bench-support';

const COSTS = (process.env.BENCH_COSTS ?? '4,12').split(',').map(Number);
const USERS = Number(process.env.BENCH_USERS ?? 30);
const PASSWORD = 'benchmark-password';

interface Account {
  email: string;
  secret?: string;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return `p50 ${fmt(percentile(sorted, 50))} ms   mean ${fmt(mean)} ms   p90 ${fmt(percentile(sorted, 90))} ms`;
};

async function expectStatus(answer: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`expected ${status}, got ${got}: ${JSON.stringify(body)}`);
  return body;
}

async function makeAccount(base: string, n: number, withTotp: boolean): Promise<Account> {
  const email = `bench-${withTotp ? 'mfa' : 'plain'}-${n}-${Date.now()}@example.com`;
  await expectStatus(
    call(base, 'POST', '/api/v1/register', { body: { name: `Bench ${n}`, username: email, password: PASSWORD } }),
    200,
  );
  if (!withTotp) return { email };
  const session = await expectStatus(call(base, 'POST', '/api/v1/login', { body: { username: email, password: PASSWORD } }), 200);
  const enrolment = await expectStatus(call(base, 'POST', '/api/v1/me/mfa/totp', { body: {}, token: session.token }), 200);
  const secret = enrolment.secret as string;
  // The code of the step before now: the sign-in below uses the current one.
  const code = generateSync({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
  await expectStatus(call(base, 'POST', '/api/v1/me/mfa/totp/confirm', { body: { code }, token: session.token }), 200);
  return { email, secret };
}

async function measure(cost: number): Promise<void> {
  const service = await startBuiltService({ BCRYPT_COST: String(cost), LOGIN_FREE_FAILURES: '1000', LOGIN_MAX_FAILURES: '1000' });
  try {
    const plain: Account[] = [];
    const withTotp: Account[] = [];
    for (let n = 0; n < USERS; n++) {
      plain.push(await makeAccount(service.base, n, false));
      withTotp.push(await makeAccount(service.base, n, true));
    }
    const without: number[] = [];
    const passwordStep: number[] = [];
    const codeStep: number[] = [];
    const both: number[] = [];
    for (let n = 0; n < USERS; n++) {
      let t0 = performance.now();
      await expectStatus(
        call(service.base, 'POST', '/api/v1/login', { body: { username: plain[n].email, password: PASSWORD } }),
        200,
      );
      without.push(performance.now() - t0);

      t0 = performance.now();
      const required = await expectStatus(
        call(service.base, 'POST', '/api/v1/login', { body: { username: withTotp[n].email, password: PASSWORD } }),
        401,
      );
      const t1 = performance.now();
      const code = generateSync({ secret: withTotp[n].secret as string });
      await expectStatus(
        call(service.base, 'POST', '/api/v1/login/mfa', { body: { mfa_token: required.details.mfa_token, code } }),
        200,
      );
      const t2 = performance.now();
      passwordStep.push(t1 - t0);
      codeStep.push(t2 - t1);
      both.push(t2 - t0);
    }
    process.stdout.write(`\nBCRYPT_COST=${cost}, ${USERS} sign-ins of each kind, one at a time\n`);
    process.stdout.write(`  without TOTP: POST /login                   ${stats(without)}\n`);
    process.stdout.write(`  with TOTP:    POST /login (mfa_required)    ${stats(passwordStep)}\n`);
    process.stdout.write(`                POST /login/mfa (code)        ${stats(codeStep)}\n`);
    process.stdout.write(`                both steps                    ${stats(both)}\n`);
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  for (const cost of COSTS) await measure(cost);
  closeConnections();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
