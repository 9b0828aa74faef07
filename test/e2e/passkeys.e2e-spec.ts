import { createHash, randomUUID } from 'node:crypto';

import type { Page } from 'playwright-core';

import { addVirtualAuthenticator, Browser, launchBrowser, VirtualAuthenticator } from '../support/browser';
import { EventStream, MACHINE_NATS_URL } from '../support/event-stream';
import { loginAs, LoginResult, RegisteredUser, registerUser } from '../support/factories';
import { mfaTokenOf, userWithTotp } from '../support/mfa';
import { PasskeyPageServer, servePasskeyPage } from '../support/passkey-page';
import { bearer } from '../support/team';
import { BOOT_TIMEOUT, useTestApp } from '../support/test-app';
import { claimsOf } from '../support/tokens';

interface PageCall {
  status: number;
  body: Record<string, unknown> & { code?: string };
  cacheControl?: string | null;
  /** What the page posted, to send again. */
  request?: Record<string, unknown>;
  options?: Record<string, unknown>;
}

interface PasskeyBody {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('passkeys (WebAuthn)', () => {
  let page: PasskeyPageServer;
  let otherPage: PasskeyPageServer;
  // The machine's NATS server is shared: this app's JWT_ISSUER (the events' source, and the RP name) is its own.
  const issuer = `identity-passkeys-test-${randomUUID()}`;
  let stream: EventStream;
  beforeAll(async () => {
    page = await servePasskeyPage();
    otherPage = await servePasskeyPage();
    stream = await EventStream.open(MACHINE_NATS_URL, issuer);
  });
  afterAll(async () => {
    await page.close();
    await otherPage.close();
    await stream.close();
  });

  // The page's origin is the relying party's; it calls the service cross-origin (CORS).
  const t = useTestApp(() => ({
    env: {
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: page.origin,
      CORS_ORIGINS: page.origin,
      NATS_URL: MACHINE_NATS_URL,
      JWT_ISSUER: issuer,
    },
  }));

  /** Why the service refused the last WebAuthn answer, as it logged it for the operator. */
  const lastRefusal = (): unknown =>
    t.logs
      .filter((line) => line.msg === 'webauthn response refused')
      .map((line) => line.reason)
      .at(-1);

  /** Tokens and challenge tokens the tests saw: none may appear in the log. */
  const secrets: string[] = [];

  describe('in a real browser (headless Chromium, a virtual authenticator)', () => {
    let browser: Browser;
    let tab: Page;
    let authenticator: VirtualAuthenticator;

    beforeAll(async () => {
      browser = await launchBrowser();
      tab = await browser.context.newPage();
      await tab.goto(`${page.origin}/`);
      authenticator = await addVirtualAuthenticator(tab);
    }, BOOT_TIMEOUT);
    afterAll(() => browser.close());

    // One user's passkeys at a time on the authenticator: a passwordless get() then has one to offer.
    beforeEach(() => authenticator.session.send('WebAuthn.clearCredentials', { authenticatorId: authenticator.authenticatorId }));

    /** Calls a function of the test page with JSON arguments. */
    const inPage = async (fn: string, ...args: unknown[]): Promise<PageCall> => {
      const result = await tab.evaluate<PageCall>(`${fn}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`);
      const body = result.body as { token?: string; refresh_token?: string };
      const challengeToken = (result.request as { challenge_token?: string } | undefined)?.challenge_token;
      for (const secret of [body.token, body.refresh_token, challengeToken]) if (secret) secrets.push(secret);
      return result;
    };

    /** A new account signed in with its password, with a passkey registered from the page. */
    async function userWithPasskey(
      name = 'Laptop',
    ): Promise<{ user: RegisteredUser; session: LoginResult; passkey: PasskeyBody }> {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      secrets.push(session.token, session.refresh_token);
      const registered = await inPage('registerPasskey', t.url, session.token, name);
      expect(registered.status).toBe(200);
      return { user, session, passkey: registered.body.passkey as PasskeyBody };
    }

    it('registers a passkey made by navigator.credentials.create() on the page, and lists it', async () => {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      const registered = await inPage('registerPasskey', t.url, session.token, 'Work laptop');

      expect(registered.status).toBe(200);
      expect(registered.body.passkey).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Work laptop',
        created_at: expect.stringMatching(/Z$/),
        last_used_at: null,
      });
      // The options named this relying party and this user; the authenticator holds the key under the user's id.
      expect(registered.options).toMatchObject({
        rp: { id: 'localhost', name: issuer },
        user: { name: user.email, displayName: user.name },
        excludeCredentials: [],
      });
      const { credentials } = await authenticator.session.send('WebAuthn.getCredentials', {
        authenticatorId: authenticator.authenticatorId,
      });
      expect(credentials).toHaveLength(1);
      expect(Buffer.from(credentials[0].userHandle ?? '', 'base64').toString()).toBe(user.id);

      const list = await t.api().get('/api/v1/me/passkeys').set(bearer(session.token)).expect(200);
      expect(list.body).toEqual({ passkeys: [registered.body.passkey] });
      // GET /me counts it; the export lists it, without the credential id or the public key.
      const me = await t.api().get('/api/v1/me').set(bearer(session.token)).expect(200);
      expect(me.body.user.mfa).toEqual({ totp: false, passkeys: 1 });
      const exported = await t.api().get('/api/v1/me/export').set(bearer(session.token)).expect(200);
      expect(exported.body.mfa.passkeys).toEqual([registered.body.passkey]);
      expect(exported.text).not.toContain((registered.request?.credential as { id: string }).id);

      // The next registration's options exclude it, so the same authenticator is not registered twice.
      const next = await t.api().post('/api/v1/me/passkeys/options').set(bearer(session.token)).send({}).expect(200);
      expect(next.body.options.excludeCredentials).toEqual([
        expect.objectContaining({ id: (registered.request?.credential as { id: string }).id }),
      ]);
    });

    it('registers one answer once: the same registration sent again is 400 (its challenge is used up)', async () => {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      const registered = await inPage('registerPasskey', t.url, session.token, 'Phone');
      expect(registered.status).toBe(200);

      const again = await t.api().post('/api/v1/me/passkeys').set(bearer(session.token)).send(registered.request).expect(400);
      expect(again.body).toMatchObject({ code: 'invalid_request', details: { fields: [{ field: 'credential' }] } });
      const list = await t.api().get('/api/v1/me/passkeys').set(bearer(session.token)).expect(200);
      expect(list.body.passkeys).toHaveLength(1);
    });

    it('signs in without a password: the answer is a session like POST /login, and its token works on GET /me', async () => {
      const { user, session, passkey } = await userWithPasskey();
      const signedIn = await inPage('signInWithPasskey', t.url);

      expect(signedIn.status).toBe(200);
      expect(signedIn.cacheControl).toBe('no-store');
      expect(signedIn.options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
      expect(signedIn.options?.allowCredentials ?? []).toEqual([]);
      expect(signedIn.body).toMatchObject({
        token: expect.any(String),
        refresh_token: expect.any(String),
        user: { id: user.id, email: user.email },
        current_organization: session.current_organization,
        organizations: session.organizations,
      });
      const token = signedIn.body.token as string;
      expect(claimsOf(token)).toMatchObject({ sub: user.id, typ: 'access' });
      const me = await t.api().get('/api/v1/me').set(bearer(token)).expect(200);
      expect(me.body.user).toMatchObject({ id: user.id, email: user.email });
      await t.api().post('/api/v1/refresh-token').send({ refresh_token: signedIn.body.refresh_token }).expect(200);

      const list = await t.api().get('/api/v1/me/passkeys').set(bearer(token)).expect(200);
      expect(list.body.passkeys).toEqual([{ ...passkey, last_used_at: expect.stringMatching(/Z$/) }]);
      const audit = await t.api().get('/api/v1/audit-events').set(bearer(token)).expect(200);
      const events = audit.body.audit_events as { type: string; target_id: string; details: Record<string, unknown> }[];
      expect(events.map((event) => event.type)).toEqual(['login.succeeded', 'passkey.added', 'login.succeeded']);
      expect(events[0].details).toEqual({ method: 'passkey', passkey_id: passkey.id });
      expect(events[1]).toMatchObject({ target_id: passkey.id, details: { name: 'Laptop' } });
    });

    it('refuses a replayed assertion: the same answer sent again is 401 and opens no session', async () => {
      await userWithPasskey();
      const signedIn = await inPage('signInWithPasskey', t.url);
      expect(signedIn.status).toBe(200);

      const replay = await t.api().post('/api/v1/login/passkey').send(signedIn.request).expect(401);
      expect(replay.body).toEqual({ code: 'invalid_credentials', message: expect.any(String), details: null });
      expect(replay.body).not.toHaveProperty('token');

      // Nor with a new challenge token: the answer signed the old challenge.
      const fresh = await t.api().post('/api/v1/login/passkey/options').send({}).expect(200);
      await t
        .api()
        .post('/api/v1/login/passkey')
        .send({ ...signedIn.request, challenge_token: fresh.body.challenge_token })
        .expect(401);
    });

    it('uses a challenge once: of two valid answers to one challenge, the second is refused', async () => {
      await userWithPasskey();
      const [first, second] = await tab.evaluate<PageCall[]>(`twoAnswersToOneChallenge(${JSON.stringify(t.url)})`);
      expect(first.status).toBe(200);
      expect(second).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
      secrets.push(first.body.token as string, first.body.refresh_token as string);
    });

    it('refuses an authenticator whose sign counter went back (a cloned passkey)', async () => {
      await userWithPasskey();
      const { authenticatorId, session } = authenticator;
      expect((await inPage('signInWithPasskey', t.url)).status).toBe(200);
      const [before] = (await session.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      expect((await inPage('signInWithPasskey', t.url)).status).toBe(200);
      const [after] = (await session.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      expect(after.signCount).toBeGreaterThan(before.signCount);

      // A copy of the key taken before the last sign-in: its counter is behind the service's.
      await session.send('WebAuthn.removeCredential', { authenticatorId, credentialId: after.credentialId });
      await session.send('WebAuthn.addCredential', { authenticatorId, credential: { ...before } });
      const cloned = await inPage('signInWithPasskey', t.url);
      expect(cloned).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
      expect(lastRefusal()).toMatch(/counter value \d+ was lower than expected \d+/);
    });

    it('requires user verification for a passwordless sign-in', async () => {
      await userWithPasskey();
      const { authenticatorId, session } = authenticator;
      await session.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      try {
        // A page that asks the authenticator for presence only: the answer lacks the UV flag.
        const unverified = await inPage('signInWithPasskey', t.url, { userVerification: 'discouraged' });
        expect(unverified).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
        expect(lastRefusal()).toMatch(/user could not be verified/i);
      } finally {
        await session.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
      }
      expect((await inPage('signInWithPasskey', t.url)).status).toBe(200);
    });

    it('refuses a passkey created on a page whose origin is not in WEBAUTHN_ORIGINS', async () => {
      const user = await registerUser(t.api);
      const session = await loginAs(t.api, user);
      const otherTab = await browser.context.newPage();
      try {
        await otherTab.goto(`${otherPage.origin}/`);
        await addVirtualAuthenticator(otherTab);
        const options = await t.api().post('/api/v1/me/passkeys/options').set(bearer(session.token)).send({}).expect(200);
        // The browser accepts the RP id (localhost) there; the service does not accept the origin.
        const credential = await otherTab.evaluate(`createPasskey(${JSON.stringify(options.body.options)})`);
        const refused = await t.api().post('/api/v1/me/passkeys').set(bearer(session.token)).send({ credential }).expect(400);
        expect(refused.body.code).toBe('invalid_request');
        expect(lastRefusal()).toMatch(new RegExp(`origin "${otherPage.origin}"`));
        const list = await t.api().get('/api/v1/me/passkeys').set(bearer(session.token)).expect(200);
        expect(list.body.passkeys).toEqual([]);
      } finally {
        await otherTab.close();
      }
    });

    it("deletes a passkey: another user's delete is 404, the owner's is 200, and the passkey no longer signs in", async () => {
      const { session, passkey } = await userWithPasskey();
      const stranger = await loginAs(t.api, await registerUser(t.api));

      const foreign = await t.api().delete(`/api/v1/me/passkeys/${passkey.id}`).set(bearer(stranger.token)).expect(404);
      expect(foreign.body.code).toBe('not_found');
      await t.api().delete(`/api/v1/me/passkeys/${passkey.id}`).set(bearer(session.token)).expect(200, { deleted: true });
      await t.api().delete(`/api/v1/me/passkeys/${passkey.id}`).set(bearer(session.token)).expect(404);
      const list = await t.api().get('/api/v1/me/passkeys').set(bearer(session.token)).expect(200);
      expect(list.body.passkeys).toEqual([]);

      // The authenticator still holds the key; the service no longer knows it.
      const signIn = await inPage('signInWithPasskey', t.url);
      expect(signIn).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
      const audit = await t.api().get('/api/v1/audit-events').set(bearer(session.token)).expect(200);
      expect((audit.body.audit_events as { type: string }[])[0]).toMatchObject({
        type: 'passkey.removed',
        target_id: passkey.id,
      });
    });

    it('finishes the password sign-in of an account with TOTP on with a passkey as the second factor', async () => {
      const user = await userWithTotp(t.api);
      secrets.push(user.session.token, user.session.refresh_token);
      const registered = await inPage('registerPasskey', t.url, user.session.token, 'Security key');
      expect(registered.status).toBe(200);
      const me = await t.api().get('/api/v1/me').set(bearer(user.session.token)).expect(200);
      expect(me.body.user.mfa).toEqual({ totp: true, passkeys: 1 });

      const password = await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);
      expect(password.body).toMatchObject({
        code: 'mfa_required',
        details: { mfa_token: expect.any(String), methods: ['totp', 'recovery_code', 'passkey'] },
      });
      const mfaToken = password.body.details.mfa_token as string;
      secrets.push(mfaToken);

      const answered = await inPage('secondFactorWithPasskey', t.url, mfaToken);
      // Only the user's own passkeys are offered; presence suffices after the password.
      expect(answered.options).toMatchObject({
        rpId: 'localhost',
        userVerification: 'preferred',
        allowCredentials: [{ id: (registered.request?.credential as { id: string }).id, type: 'public-key' }],
      });
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({
        token: expect.any(String),
        refresh_token: expect.any(String),
        user: { id: user.id },
      });
      await t
        .api()
        .get('/api/v1/me')
        .set(bearer(answered.body.token as string))
        .expect(200);

      // The same answer again: the mfa_token is used up, and with it the passkey challenge.
      const replay = await t.api().post('/api/v1/login/mfa').send(answered.request).expect(401);
      expect(replay.body).not.toHaveProperty('token');
    });

    it('refuses as a second factor an answer to another challenge (a passwordless one) and counts it as wrong', async () => {
      const user = await userWithTotp(t.api);
      secrets.push(user.session.token, user.session.refresh_token);
      expect((await inPage('registerPasskey', t.url, user.session.token, 'Phone')).status).toBe(200);
      // A valid passwordless assertion of this very passkey, signed for a challenge of /login/passkey/options.
      const passwordless = await inPage('signInWithPasskey', t.url);
      expect(passwordless.status).toBe(200);
      const mfaToken = await mfaTokenOf(t.api, user);
      secrets.push(mfaToken);
      await t.api().post('/api/v1/login/mfa/passkey-options').send({ mfa_token: mfaToken }).expect(200);
      const refused = await t
        .api()
        .post('/api/v1/login/mfa')
        .send({ mfa_token: mfaToken, passkey: (passwordless.request as { credential: unknown }).credential })
        .expect(401);
      expect(refused.body.code).toBe('invalid_credentials');
    });

    it('erases the passkeys with the account (DELETE /me)', async () => {
      const { user, session } = await userWithPasskey();
      await t.api().delete('/api/v1/me').set(bearer(session.token)).send({ password: user.password }).expect(200);
      const rows = await t.dataSource.query<{ count: number }[]>(
        'SELECT (SELECT count(*) FROM passkeys WHERE user_id = $1)::int + (SELECT count(*) FROM webauthn_challenges WHERE user_id = $1)::int AS count',
        [user.id],
      );
      expect(rows[0].count).toBe(0);
      expect(await inPage('signInWithPasskey', t.url)).toMatchObject({ status: 401 });
    });
  });

  describe('over the API', () => {
    const VALID_SHAPE = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: Buffer.from('{"type":"webauthn.get","challenge":"abc","origin":"http://localhost"}').toString(
          'base64url',
        ),
        authenticatorData: 'AAAA',
        signature: 'AAAA',
      },
    };

    it('answers 401 on the /me/passkeys endpoints without a bearer token', async () => {
      await t.api().post('/api/v1/me/passkeys/options').send({}).expect(401);
      await t.api().post('/api/v1/me/passkeys').send({ credential: VALID_SHAPE }).expect(401);
      await t.api().get('/api/v1/me/passkeys').expect(401);
      await t.api().delete('/api/v1/me/passkeys/00000000-0000-4000-8000-000000000000').expect(401);
    });

    it('answers 400 naming the field for a malformed credential, never 500', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      const post = (body: unknown) =>
        t
          .api()
          .post('/api/v1/me/passkeys')
          .set(bearer(session.token))
          .send(body as object);
      const fieldsOf = (body: { details: { fields: { field: string }[] } }) => body.details.fields.map((f) => f.field);

      expect(fieldsOf((await post({}).expect(400)).body)).toEqual(['credential']);
      expect(fieldsOf((await post({ credential: 'not an object' }).expect(400)).body)).toContain('credential');
      const { response, ...noResponse } = VALID_SHAPE;
      expect(fieldsOf((await post({ credential: noResponse }).expect(400)).body)).toContain('credential.response');
      expect(
        fieldsOf(
          (await post({ credential: { ...VALID_SHAPE, id: 'not base64url!', type: 'password', response: {} } }).expect(400)).body,
        ),
      ).toEqual(
        expect.arrayContaining([
          'credential.id',
          'credential.type',
          'credential.response.clientDataJSON',
          'credential.response.attestationObject',
        ]),
      );
      const registrationShape = { ...VALID_SHAPE, response: { ...response, attestationObject: 'AAAA' } };
      expect(fieldsOf((await post({ credential: registrationShape, name: ' ' }).expect(400)).body)).toEqual(['name']);
      // Well-formed JSON whose client data is not JSON, or answers no challenge of the caller's.
      const notJson = { ...VALID_SHAPE, response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' } };
      expect((await post({ credential: notJson }).expect(400)).body.code).toBe('invalid_request');
      expect((await post({ credential: registrationShape }).expect(400)).body.details.fields).toEqual([
        { field: 'credential', message: expect.stringContaining('No live registration challenge') },
      ]);
    });

    it('answers 400 for a malformed passwordless sign-in and 401 invalid_credentials for one that does not verify', async () => {
      const missing = await t.api().post('/api/v1/login/passkey').send({}).expect(400);
      expect(missing.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['challenge_token', 'credential']),
      );
      await t.api().post('/api/v1/login/passkey').send({ challenge_token: 'x', credential: [] }).expect(400);
      await t.api().post('/api/v1/login/passkey').set('Content-Type', 'application/json').send('{"challenge_token":').expect(400);

      const unknownToken = await t
        .api()
        .post('/api/v1/login/passkey')
        .send({ challenge_token: 'nope', credential: VALID_SHAPE })
        .expect(401);
      expect(unknownToken.body.code).toBe('invalid_credentials');
      const options = await t.api().post('/api/v1/login/passkey/options').send({}).expect(200);
      secrets.push(options.body.challenge_token as string);
      const garbage = await t
        .api()
        .post('/api/v1/login/passkey')
        .send({ challenge_token: options.body.challenge_token, credential: VALID_SHAPE })
        .expect(401);
      expect(garbage.body.code).toBe('invalid_credentials');
    });

    it('keeps only the hash of a challenge token, for 5 minutes', async () => {
      const options = await t.api().post('/api/v1/login/passkey/options').send({}).expect(200);
      const token = options.body.challenge_token as string;
      secrets.push(token);
      expect(options.headers['cache-control']).toBe('no-store');
      const rows = await t.dataSource.query<{ token_hash: string; challenge: string; user_id: null; ttl: number }[]>(
        `SELECT token_hash, challenge, user_id, extract(epoch FROM expires_at - created_at)::int AS ttl
           FROM webauthn_challenges WHERE token_hash = $1`,
        [createHash('sha256').update(token).digest('hex')],
      );
      expect(rows).toEqual([
        { token_hash: expect.any(String), challenge: options.body.options.challenge, user_id: null, ttl: 300 },
      ]);
      const [{ count }] = await t.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM webauthn_challenges WHERE token_hash = $1 OR challenge = $1`,
        [token],
      );
      expect(count).toBe(0);
    });

    it('answers 404 for a passkey id that is unknown or malformed', async () => {
      const session = await loginAs(t.api, await registerUser(t.api));
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const response = await t.api().delete(`/api/v1/me/passkeys/${id}`).set(bearer(session.token)).expect(404);
        expect(response.body.code).toBe('not_found');
      }
    });

    it('answers 400 for passkey options of an account with no passkey, and for a malformed passkey answer', async () => {
      const user = await userWithTotp(t.api);
      const mfaToken = await mfaTokenOf(t.api, user);
      secrets.push(mfaToken);
      const options = await t.api().post('/api/v1/login/mfa/passkey-options').send({ mfa_token: mfaToken }).expect(400);
      expect(options.body).toMatchObject({ code: 'invalid_request', details: { fields: [{ field: 'passkey' }] } });
      const malformed = await t
        .api()
        .post('/api/v1/login/mfa')
        .send({ mfa_token: mfaToken, passkey: { id: 'AAAA' } })
        .expect(400);
      expect(malformed.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['passkey.rawId', 'passkey.response']),
      );
    });

    it('asks for a fresh sign-in (401 sign_in_required) to add or delete a passkey, not to list them', async () => {
      const user = await registerUser(t.api);
      const stale = await loginAs(t.api, user);
      await t.dataSource.query(`UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE id = $1`, [
        claimsOf(stale.token).sid,
      ]);
      const options = await t.api().post('/api/v1/me/passkeys/options').set(bearer(stale.token)).send({}).expect(401);
      expect(options.body).toEqual({
        code: 'sign_in_required',
        message: expect.stringContaining('Sign in again'),
        details: { fresh_sign_in_seconds: 600 },
      });
      const credential = { ...VALID_SHAPE, response: { ...VALID_SHAPE.response, attestationObject: 'AAAA' } };
      await t.api().post('/api/v1/me/passkeys').set(bearer(stale.token)).send({ credential }).expect(401);
      await t.api().delete('/api/v1/me/passkeys/00000000-0000-4000-8000-000000000000').set(bearer(stale.token)).expect(401);
      await t.api().get('/api/v1/me/passkeys').set(bearer(stale.token)).expect(200);

      const fresh = await loginAs(t.api, user);
      await t.api().post('/api/v1/me/passkeys/options').set(bearer(fresh.token)).send({}).expect(200);
    });
  });

  it('wrote no token, refresh token or challenge token into the log', () => {
    expect(secrets.length).toBeGreaterThan(10);
    const logs = t.rawLogs();
    expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
  });
});
