import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ConsoleMessage, Page, Response } from 'playwright-core';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { PAGE_CSP } from '../../src/pages/pages.controller';
import { addVirtualAuthenticator, Browser, launchBrowser } from '../support/browser';
import { loginAs, newCredentials, registerUser } from '../support/factories';
import { codeAt, freshStep, userWithTotp } from '../support/mfa';
import { ReceivedEmail, SmtpSink } from '../support/smtp-sink';
import { createTeam, invite } from '../support/team';
import { useTestApp } from '../support/test-app';

const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'pages');
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const MAIL_ENV = { MAIL_POLL_INTERVAL_MS: '100', MAIL_RETRY_BASE_MS: '100', INVITATION_TOKEN_IN_RESPONSE: 'false' };

/** The link of an email, as a person would click it. */
function linkIn(email: ReceivedEmail): string {
  const match = /https?:\/\/\S+\?token=[A-Za-z0-9_-]+/.exec(email.text);
  if (!match) throw new Error(`no link in: ${email.text}`);
  return match[0];
}

/** The text of the element that has the keyboard focus: where a screen reader is. */
// Strings run in the page: the tests are compiled without the DOM's types.
function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
}

/** The id of the element that has the keyboard focus. */
function focusedId(page: Page): Promise<string> {
  return page.evaluate<string>("document.activeElement?.id ?? ''");
}

/** Email and password typed into /sign-in, sent with Enter. */
async function signInOnPage(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
}

interface Visit {
  page: Page;
  /** Console errors and uncaught exceptions of the page: a CSP violation ("Refused to …") shows up here. */
  problems: string[];
}

describe('the service’s own pages, in a browser', () => {
  const smtp = new SmtpSink();
  let smtpPort: number;
  let browser: Browser;

  beforeAll(async () => {
    smtpPort = await smtp.start();
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  const t = useTestApp(() => ({ env: { ...MAIL_ENV, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } }));
  afterAll(async () => {
    await browser?.close();
    await smtp.stop();
  });

  /** The service's address as its emails write it: http://localhost:<the port it listens on>. */
  const origin = (): string => t.url.replace('127.0.0.1', 'localhost');

  async function visit(url: string): Promise<Visit & { response: Response }> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      // An API answer of 4xx is the page working (a used link, a wrong password): Chromium logs each
      // as "Failed to load resource". Anything else (a refused script or style, an exception) is a fault.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // Every CSP violation, reported by the page itself (an init script runs outside the page's policy).
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.effectiveDirective + ' ' + event.blockedURI))",
    );
    const response = await page.goto(url);
    if (!response) throw new Error(`no answer for ${url}`);
    return { page, problems, response };
  }

  function expectStrictPage(response: Response): void {
    const headers = response.headers();
    expect(headers['content-security-policy']).toBe(PAGE_CSP);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
  }

  /** Phone and desktop screenshots of the page as it is now, for a person to look at. */
  async function screenshots(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
    }
  }

  it('confirms an email address from the link of the verification email, and says so', async () => {
    const user = await registerUser(t.api);
    const link = linkIn(await smtp.waitFor(user.email, /confirm your email/i));
    expect(link.startsWith(`${origin()}/verify-email?token=`)).toBe(true);

    const { page, problems, response } = await visit(link);
    expectStrictPage(response);
    await page.getByRole('status').getByText('Your email address is confirmed. Thank you.').waitFor();
    expect(await focusedText(page)).toBe('Email address confirmed');
    // The token left the address bar (and the history) once read.
    expect(page.url()).toBe(`${origin()}/verify-email`);
    await screenshots(page, 'verify-email');
    expect((await loginAs(t.api, user)).user.email_verified_at).toEqual(expect.any(String));

    // The same link again: used up, and the page says what to do.
    await page.goto(link);
    await page
      .getByRole('alert')
      .getByText(/invalid, used already or expired/)
      .waitFor();
    expect(await focusedText(page)).toMatch(/invalid, used already or expired/);
    await screenshots(page, 'verify-email-used');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('resets a password through the form, from the link of the email asked for on the sign-in page, by keyboard alone', async () => {
    const user = await registerUser(t.api);
    const { page, problems, response } = await visit(`${origin()}/sign-in`);
    expectStrictPage(response);
    await screenshots(page, 'sign-in');
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    // The focus moved to the step's email field: type, then Enter sends the form.
    expect(await focusedId(page)).toBe('forgot-email');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText(`If ${user.email} has an account`).waitFor();
    await screenshots(page, 'sign-in-forgot');

    const link = linkIn(await smtp.waitFor(user.email, /reset your password/i));
    expect(link.startsWith(`${origin()}/reset-password?token=`)).toBe(true);
    const reset = await visit(link);
    expectStrictPage(reset.response);
    expect(reset.page.url()).toBe(`${origin()}/reset-password`);
    await screenshots(reset.page, 'reset-password');

    // Two different passwords: the page says so and does not send them.
    await reset.page.getByLabel('New password', { exact: true }).fill('a-new-password-1');
    await reset.page.getByLabel('Repeat the new password').fill('a-new-password-2');
    await reset.page.getByRole('button', { name: 'Change password' }).click();
    await reset.page.getByRole('alert').getByText('The two passwords are not the same.', { exact: false }).waitFor();
    await screenshots(reset.page, 'reset-password-mismatch');

    const password = 'a-brand-new-password';
    await reset.page.getByLabel('New password', { exact: true }).fill(password);
    await reset.page.getByLabel('Repeat the new password').fill(password);
    await reset.page.getByRole('button', { name: 'Change password' }).click();
    await reset.page.getByRole('heading', { name: 'Password changed' }).waitFor();
    expect(await focusedText(reset.page)).toBe('Password changed');
    await screenshots(reset.page, 'reset-password-done');
    await t.api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(401);
    await loginAs(t.api, { email: user.email, password });
    expect([...problems, ...reset.problems]).toEqual([]);
    await page.close();
    await reset.page.close();
  });

  it('signs in with Tab and Enter only, says what is wrong with a wrong password, signs out another session, and signs out', async () => {
    const user = await registerUser(t.api);
    const { page, problems } = await visit(`${origin()}/sign-in`);

    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('email');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('The email or password is wrong.').waitFor();
    expect(await focusedText(page)).toBe('The email or password is wrong.');
    await screenshots(page, 'sign-in-wrong-password');

    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText(`Signed in as ${user.email}`).waitFor();
    await page.getByText(/this browser/).waitFor();
    await screenshots(page, 'account-security');

    // A session elsewhere (another device) is listed, and signing it out from here ends it.
    const elsewhere = await loginAs(t.api, user);
    await page.reload();
    const signOutElsewhere = page.getByRole('button', { name: /^Sign out the session of/ });
    await signOutElsewhere.waitFor();
    await screenshots(page, 'account-security-sessions');
    await signOutElsewhere.click();
    await page.getByRole('status').getByText('That session is signed out.').waitFor();
    await t.api().get('/api/v1/me').set('Authorization', `Bearer ${elsewhere.token}`).expect(401);
    await signOutElsewhere.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL(`${origin()}/sign-in`);
    // Signed out for real: the page sends a signed-out visitor to sign in.
    await page.goto(`${origin()}/account/security`);
    await page.waitForURL(`${origin()}/sign-in?next=/account/security`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('accepts an invitation into an existing account: sign in on the page, back to the invitation, accept', async () => {
    const team = await createTeam(t.api);
    const invitee = await registerUser(t.api);
    await invite(t.api, team.owner.token, invitee.email, SYSTEM_ROLE_IDS.developer);
    const link = linkIn(await smtp.waitFor(invitee.email, /you are invited/i));
    expect(link.startsWith(`${origin()}/accept-invitation?token=`)).toBe(true);

    const { page, problems, response } = await visit(link);
    expectStrictPage(response);
    await page.getByRole('heading', { name: 'Sign in to accept' }).waitFor();
    expect(page.url()).toBe(`${origin()}/accept-invitation`);
    await screenshots(page, 'accept-invitation-sign-in');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin()}/sign-in?next=/accept-invitation`);
    await page.getByLabel('Email', { exact: true }).fill(invitee.email);
    await page.getByLabel('Password', { exact: true }).fill(invitee.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${origin()}/accept-invitation`);
    await page.getByText(`You are signed in as ${invitee.email}.`).waitFor();
    await screenshots(page, 'accept-invitation-accept');

    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText('You joined the organization as Developer.').waitFor();
    await screenshots(page, 'accept-invitation-done');
    const session = await loginAs(t.api, invitee);
    expect(session.organizations.map((organization) => organization.id)).toContain(team.organizationId);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('accepts an invitation as a new person: the page creates the account, which then signs in', async () => {
    const team = await createTeam(t.api);
    const newcomer = newCredentials();
    await invite(t.api, team.owner.token, newcomer.email, SYSTEM_ROLE_IDS.viewer);
    const link = linkIn(await smtp.waitFor(newcomer.email, /you are invited/i));

    const { page, problems } = await visit(link);
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await screenshots(page, 'accept-invitation-create');
    await page.getByLabel('Your name').fill(newcomer.name);
    await page.getByLabel('Password', { exact: true }).fill(newcomer.password);
    await page.getByLabel('Repeat the password').fill(newcomer.password);
    await page.getByRole('button', { name: 'Create account and accept' }).click();
    await page.getByText('You joined the organization as Viewer.').waitFor();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email', { exact: true }).fill(newcomer.email);
    await page.getByLabel('Password', { exact: true }).fill(newcomer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText(`Signed in as ${newcomer.email}`).waitFor();
    const session = await loginAs(t.api, newcomer);
    expect(session.current_organization?.id).toBe(team.organizationId);

    // The same link again, signed in: used up.
    await page.goto(link);
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page
      .getByRole('alert')
      .getByText(/invalid, used already or withdrawn/)
      .waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('enrols TOTP on /account/security from the key on the page, then signs in with a code and with a recovery code', async () => {
    const user = await registerUser(t.api);
    const { page, problems } = await visit(`${origin()}/sign-in`);
    await signInOnPage(page, user);
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText('Off. With an authenticator app').waitFor();

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code holding your authenticator key' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/gif;base64,/);
    // The key as a person would type it into the app.
    const secret = (await page.locator('#totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await focusedId(page)).toBe('totp-code');
    await screenshots(page, 'account-security-totp-enrol');

    const step = await freshStep();
    await page.keyboard.type('000000');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('That code is not right.', { exact: false }).waitFor();
    await page.getByLabel('Code from the app').fill(codeAt(secret, step));
    await page.getByLabel('Code from the app').press('Enter');
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const recoveryCodes = (await page.locator('#recovery-codes li').allTextContents()).map((code) => code.trim());
    expect(recoveryCodes).toHaveLength(10);
    await screenshots(page, 'account-security-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('On: signing in needs a code').waitFor();
    await screenshots(page, 'account-security-totp-on');

    // Signed out, the password alone no longer signs in: the page asks for the code.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin()}/sign-in`);
    await signInOnPage(page, user);
    await page.getByRole('heading', { name: 'Second step' }).waitFor();
    expect(await focusedId(page)).toBe('code');
    await screenshots(page, 'sign-in-second-step');
    // The code that confirmed the enrolment is used up; the next one signs in.
    await page.keyboard.type(codeAt(secret, step));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('That code is not right.', { exact: false }).waitFor();
    await page.getByLabel('Code from your authenticator app').fill(codeAt(secret, step + 1));
    await page.getByLabel('Code from your authenticator app').press('Enter');
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText(`Signed in as ${user.email}`).waitFor();

    // A recovery code, once.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin()}/sign-in`);
    await signInOnPage(page, user);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    expect(await focusedId(page)).toBe('recovery-code');
    await screenshots(page, 'sign-in-recovery-code');
    await page.keyboard.type(recoveryCodes[0]);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText('On: signing in needs a code').waitFor();

    // New recovery codes with the password, then off.
    await page.getByLabel('Password for new recovery codes').fill(user.password);
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const renewed = (await page.locator('#recovery-codes li').allTextContents()).map((code) => code.trim());
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toContain(recoveryCodes[1]);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByLabel('Password to turn it off').fill('not-the-password');
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await page.getByRole('alert').getByText('The password is wrong.').waitFor();
    await page.getByLabel('Password to turn it off').fill(user.password);
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await page.getByRole('status').getByText('Two-step verification is off.', { exact: false }).waitFor();
    await loginAs(t.api, user);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('adds a passkey on /account/security, signs in with it without a password, and deletes it', async () => {
    const user = await registerUser(t.api);
    const { page, problems } = await visit(`${origin()}/sign-in`);
    const authenticator = await addVirtualAuthenticator(page);
    await signInOnPage(page, user);
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText('No passkeys yet.').waitFor();

    await page.getByLabel('Name of the new passkey (optional)').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').getByText('Passkey Test laptop is added.').waitFor();
    await page.getByText(/^Test laptop · added/).waitFor();
    await screenshots(page, 'account-security-passkey');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin()}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText(`Signed in as ${user.email}`).waitFor();
    await page.getByText(/Test laptop · added .* · last used (?!never)/).waitFor();

    await page.getByRole('button', { name: 'Delete passkey Test laptop' }).click();
    await page.getByText('No passkeys yet.').waitFor();
    await authenticator.session.detach();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('offers a passkey as the second factor of a password sign-in, and signs in with it', async () => {
    const user = await userWithTotp(t.api);
    const { page, problems } = await visit(`${origin()}/sign-in`);
    const authenticator = await addVirtualAuthenticator(page);
    await signInOnPage(page, user);
    await page.getByLabel('Code from your authenticator app').fill(codeAt(user.secret, user.step + 1));
    await page.getByLabel('Code from your authenticator app').press('Enter');
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page
      .getByRole('status')
      .getByText(/^Passkey .* is added\.$/)
      .waitFor();

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin()}/sign-in`);
    await signInOnPage(page, user);
    await page.getByRole('heading', { name: 'Second step' }).waitFor();
    await screenshots(page, 'sign-in-second-step-passkey');
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.waitForURL(`${origin()}/account/security`);
    await page.getByText(`Signed in as ${user.email}`).waitFor();
    await authenticator.session.detach();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has the browser enforce the pages’ policy: an inline style or script is refused, and the test sees it', async () => {
    const { page, problems } = await visit(`${origin()}/sign-in`);
    await page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { display: none }</style>')");
    await page.evaluate(
      "const script = document.createElement('script'); script.textContent = 'window.inlineRan = true'; document.head.append(script)",
    );
    await page.waitForFunction('document.readyState === "complete"');
    expect(await page.evaluate('window.inlineRan === true')).toBe(false);
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    const violations = () => problems.filter((problem) => problem.startsWith('CSP violation'));
    for (let tries = 0; violations().length < 2 && tries < 50; tries += 1) await page.waitForTimeout(50);
    expect(violations()).toEqual([expect.stringContaining('style-src'), expect.stringContaining('script-src')]);
    await page.close();
  });

  it('keeps the API answers under their own policy, the pages out of the OpenAPI document, and 404 in the error shape', async () => {
    const api = await t.api().get('/api/v1/me').expect(401);
    expect(api.headers['content-security-policy']).not.toBe(PAGE_CSP);
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    const document = await t.api().get('/api/openapi.json').expect(200);
    const paths = Object.keys(document.body.paths as Record<string, unknown>);
    for (const page of ['/verify-email', '/reset-password', '/accept-invitation', '/sign-in', '/account/security']) {
      expect(paths).not.toContain(page);
      await t.api().get(page).expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    }
    const stylesheet = await t.api().get('/pages/pages.css').expect(200);
    expect(stylesheet.headers['content-type']).toBe('text/css; charset=utf-8');
    const qrcode = await t.api().get('/pages/qrcode.mjs').expect(200);
    expect(qrcode.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const unknown of ['/pages/nothing.js', '/pages/..%2Fpages.service.ts', '/account/elsewhere', '/nothing']) {
      const answer = await t.api().get(unknown).expect(404);
      expect(answer.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
    }
  });
});

describe('the service’s own pages with a front end of its own (PUBLIC_URL set)', () => {
  const smtp = new SmtpSink();
  let smtpPort: number;
  beforeAll(async () => {
    smtpPort = await smtp.start();
  });
  const t = useTestApp(() => ({
    env: { ...MAIL_ENV, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, PUBLIC_URL: 'https://app.example.com' },
  }));
  afterAll(async () => {
    await smtp.stop();
  });

  it('sends links to PUBLIC_URL and answers the pages’ paths 404 in the error shape (HOSTED_PAGES off by default)', async () => {
    const user = await registerUser(t.api);
    expect(linkIn(await smtp.waitFor(user.email, /confirm your email/i))).toMatch(
      /^https:\/\/app\.example\.com\/verify-email\?token=/,
    );
    for (const page of [
      '/verify-email',
      '/reset-password',
      '/accept-invitation',
      '/sign-in',
      '/account/security',
      '/pages/pages.css',
    ]) {
      const answer = await t.api().get(page).expect(404);
      expect(answer.body).toEqual({ code: 'not_found', message: expect.any(String), details: null });
    }
  });
});
