import { NewEmail } from './outbox.repository';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function render(
  to: string,
  subject: string,
  greeting: string,
  lines: string[],
  action: { label: string; url: string },
): NewEmail {
  const text = [`${greeting}`, '', ...lines, '', `${action.label}: ${action.url}`, ''].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`,
    '</body></html>',
  ].join('\n');
  return { toAddress: to, subject, textBody: text, htmlBody: html };
}

export function verificationEmail(to: string, name: string, url: string, ttlHours: number): NewEmail {
  return render(
    to,
    'Confirm your email address',
    `Hello ${name},`,
    [`Please confirm that ${to} is your email address. The link works once and expires in ${ttlHours} hours.`],
    { label: 'Confirm email', url },
  );
}

/** In the `bulk` lane: an invitation never holds up a verification or reset email. */
export function invitationEmail(to: string, organizationName: string, roleName: string, url: string, expiresAt: Date): NewEmail {
  const email = render(
    to,
    `You are invited to join ${organizationName}`,
    'Hello,',
    [
      `You are invited to join ${organizationName} as ${roleName}.`,
      `The invitation works once and expires on ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ],
    { label: 'Accept the invitation', url },
  );
  return { ...email, lane: 'bulk' };
}

export function passwordResetEmail(to: string, name: string, url: string, ttlMinutes: number): NewEmail {
  return render(
    to,
    'Reset your password',
    `Hello ${name},`,
    [
      `Someone asked to reset the password of your account. The link works once and expires in ${ttlMinutes} minutes.`,
      'If it was not you, ignore this email: your password stays as it is.',
    ],
    { label: 'Choose a new password', url },
  );
}

/**
 * Registration with an email that has an account, under LOGIN_HIDE_UNKNOWN_ACCOUNTS=true: the
 * answer cannot say so, the owner of the mailbox is told instead.
 */
export function accountExistsEmail(to: string, signInUrl: string): NewEmail {
  return render(
    to,
    'You already have an account',
    'Hello,',
    [
      `Someone, maybe you, tried to create an account with ${to}. There is one already, so nothing was created.`,
      'Sign in with your password, or ask for a password-reset link on the sign-in page if you forgot it. If it was not you, ignore this email.',
    ],
    { label: 'Sign in', url: signInUrl },
  );
}
