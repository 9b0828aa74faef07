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

export function invitationEmail(to: string, organizationName: string, roleName: string, url: string, expiresAt: Date): NewEmail {
  return render(
    to,
    `You are invited to join ${organizationName}`,
    'Hello,',
    [
      `You are invited to join ${organizationName} as ${roleName}.`,
      `The invitation works once and expires on ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ],
    { label: 'Accept the invitation', url },
  );
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
