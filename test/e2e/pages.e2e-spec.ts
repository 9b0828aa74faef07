import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ConsoleMessage, Page, Response } from 'playwright-core';

import { SYSTEM_ROLE_IDS } from '../../src/organizations/permissions';
import { PAGE_CSP } from '../../src/pages/pages.controller';
import { Browser, launchBrowser } from '../support/browser';
import { loginAs, newCredentials, registerUser } from '../support/factories';
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
function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
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
});
