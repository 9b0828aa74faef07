import {
  api,
  ApiError,
  byId,
  clearError,
  clearSession,
  messageOf,
  onSubmit,
  readSession,
  showError,
  showStep,
  takeTokenFromAddress,
} from './api.js';

// The accept token leaves the address bar at once. It waits in sessionStorage while the invited
// person signs in on /sign-in, which sends them back here.
const PENDING_KEY = 'identity.invitation';
const fromAddress = takeTokenFromAddress();
if (fromAddress) sessionStorage.setItem(PENDING_KEY, fromAddress);
const token = sessionStorage.getItem(PENDING_KEY);

const status = byId('status');
const error = byId('error');
const steps = ['sign-in-step', 'accept-step', 'create-step', 'done-step'].map(byId);

const INVITATION_MESSAGES = {
  unauthorized: 'This invitation is invalid, used already or withdrawn. Ask the person who invited you for a new one.',
  invitation_expired: 'This invitation has expired. Ask the person who invited you for a new one.',
  forbidden: 'This invitation is for another email address. Sign out, then sign in with the invited address.',
  already_member: 'You are a member of this organization already.',
  email_not_verified: 'Confirm your email address first (the link is in the email we sent), then accept.',
};

function fail(failure) {
  status.hidden = true;
  if (failure instanceof ApiError && ['unauthorized', 'invitation_expired', 'already_member'].includes(failure.code)) {
    sessionStorage.removeItem(PENDING_KEY);
  }
  showError(error, messageOf(failure, INVITATION_MESSAGES));
}

function joined(answer) {
  sessionStorage.removeItem(PENDING_KEY);
  byId('done-text').textContent = `You joined the organization as ${answer.member.role.name}.`;
  showStep(byId('done-step'), steps);
}

/** Without a session, an answer to the token alone says which way: sign in, or create the account. */
async function start() {
  if (!token) {
    status.hidden = true;
    showError(error, 'This link has no invitation token. Open the link from the invitation email again.');
    return;
  }
  const session = readSession();
  if (session) {
    status.hidden = true;
    byId('signed-in-as').textContent = `You are signed in as ${session.email}.`;
    showStep(byId('accept-step'), steps);
    return;
  }
  try {
    joined(await api('/invitations/accept', { body: { token } }));
  } catch (failure) {
    status.hidden = true;
    if (failure instanceof ApiError && failure.code === 'sign_in_required') showStep(byId('sign-in-step'), steps);
    else if (failure instanceof ApiError && failure.code === 'invalid_request' && failure.details?.fields) {
      showStep(byId('create-step'), steps);
    } else fail(failure);
  }
}

byId('accept').addEventListener('click', async () => {
  clearError(error);
  try {
    joined(await api('/invitations/accept', { body: { token }, auth: true }));
  } catch (failure) {
    if (failure instanceof ApiError && failure.code === 'unauthorized' && !readSession()) {
      showStep(byId('sign-in-step'), steps);
      return;
    }
    fail(failure);
  }
});

byId('sign-out').addEventListener('click', async () => {
  await api('/logout', { auth: true }).catch(() => undefined);
  clearSession();
  clearError(error);
  showStep(byId('sign-in-step'), steps);
});

onSubmit(byId('create-form'), async (data) => {
  clearError(error);
  const name = String(data.get('name') ?? '').trim();
  const password = String(data.get('password') ?? '');
  if (!name) {
    showError(error, 'Enter your name.');
    byId('name').focus();
    return;
  }
  if (password.length < 8) {
    showError(error, 'The password needs at least 8 characters.');
    byId('password').focus();
    return;
  }
  if (password !== data.get('repeat')) {
    showError(error, 'The two passwords are not the same. Type the password twice.');
    byId('repeat').focus();
    return;
  }
  try {
    const answer = await api('/invitations/accept', { body: { token, name, password } });
    byId('done-link').textContent = 'Sign in';
    byId('done-link').href = '/sign-in';
    joined(answer);
  } catch (failure) {
    fail(failure);
  }
});

void start();
