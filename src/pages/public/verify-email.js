import { api, byId, messageOf, showError, takeTokenFromAddress } from './api.js';

const status = byId('status');
const error = byId('error');
const next = byId('next');

async function verify() {
  const token = takeTokenFromAddress();
  if (!token) {
    status.hidden = true;
    showError(error, 'This link has no token. Open the link from the email again, or copy all of it into the address bar.');
    return;
  }
  try {
    await api('/verify-email', { body: { token } });
    status.textContent = 'Your email address is confirmed. Thank you.';
    byId('title').textContent = 'Email address confirmed';
    byId('title').focus();
  } catch (failure) {
    status.hidden = true;
    showError(
      error,
      messageOf(failure, {
        unauthorized:
          'This link is invalid, used already or expired. Sign in and ask for a new confirmation email on your account page.',
      }),
    );
  }
  next.hidden = false;
}

void verify();
