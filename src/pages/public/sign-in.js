import { api, ApiError, byId, clearError, messageOf, onSubmit, saveSession, showError, showStep } from './api.js';
import { getAssertion, passkeyProblem, passkeysSupported } from './passkey.js';

// Where to go once signed in: only the pages of this service that send people here.
const DESTINATIONS = ['/account/security', '/accept-invitation'];
const requested = new URLSearchParams(location.search).get('next');
const destination = DESTINATIONS.includes(requested) ? requested : '/account/security';

const error = byId('error');
const steps = [byId('password-step'), byId('second-step'), byId('forgot-step')];
let mfaToken = null;

const CREDENTIAL_MESSAGES = {
  invalid_credentials: 'The email or password is wrong.',
  account_not_found: 'There is no account with this email address.',
  unauthorized: 'That did not work. Start over and sign in again.',
};

function signedIn(answer) {
  saveSession(answer);
  location.assign(destination);
}

onSubmit(byId('password-form'), async (data) => {
  clearError(error);
  const username = String(data.get('username') ?? '').trim();
  const password = String(data.get('password') ?? '');
  if (!username || !password) {
    showError(error, 'Enter your email and your password.');
    byId(username ? 'password' : 'email').focus();
    return;
  }
  try {
    signedIn(await api('/login', { body: { username, password } }));
  } catch (failure) {
    if (failure instanceof ApiError && failure.code === 'mfa_required') {
      askSecondFactor(failure.details);
      return;
    }
    showError(error, messageOf(failure, CREDENTIAL_MESSAGES));
  }
});

function askSecondFactor(details) {
  mfaToken = details.mfa_token;
  const methods = Array.isArray(details.methods) ? details.methods : [];
  byId('use-passkey').hidden = !(methods.includes('passkey') && passkeysSupported());
  byId('use-recovery').hidden = !methods.includes('recovery_code');
  useForm(methods.includes('totp') ? 'code' : 'recovery');
  showStep(byId('second-step'), steps);
  byId(methods.includes('totp') ? 'code' : 'recovery-code').focus();
}

function useForm(kind) {
  byId('code-form').hidden = kind !== 'code';
  byId('recovery-form').hidden = kind !== 'recovery';
  byId('use-code').hidden = kind === 'code';
  byId('use-recovery').hidden = kind === 'recovery';
}

async function finishSecondStep(proof) {
  clearError(error);
  try {
    signedIn(await api('/login/mfa', { body: { mfa_token: mfaToken, ...proof } }));
  } catch (failure) {
    showError(
      error,
      messageOf(failure, {
        invalid_credentials: 'That code is not right. Try the newest code, or another way.',
        unauthorized: 'This sign-in has expired or had too many wrong codes. Start over.',
      }),
    );
  }
}

onSubmit(byId('code-form'), (data) => {
  const code = String(data.get('code') ?? '').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    showError(error, 'Enter the 6 digits from your authenticator app.');
    byId('code').focus();
    return undefined;
  }
  return finishSecondStep({ code });
});

onSubmit(byId('recovery-form'), (data) => {
  const recovery = String(data.get('recovery_code') ?? '').trim();
  if (!recovery) {
    showError(error, 'Enter one of your recovery codes.');
    byId('recovery-code').focus();
    return undefined;
  }
  return finishSecondStep({ recovery_code: recovery });
});

byId('use-recovery').addEventListener('click', () => {
  useForm('recovery');
  byId('recovery-code').focus();
});
byId('use-code').addEventListener('click', () => {
  useForm('code');
  byId('code').focus();
});
byId('start-over').addEventListener('click', () => {
  mfaToken = null;
  clearError(error);
  showStep(byId('password-step'), steps);
  byId('password').value = '';
  byId('email').focus();
});

byId('use-passkey').addEventListener('click', async () => {
  clearError(error);
  let assertion;
  try {
    const { options } = await api('/login/mfa/passkey-options', { body: { mfa_token: mfaToken } });
    assertion = await getAssertion(options);
  } catch (failure) {
    showError(error, failure instanceof ApiError ? messageOf(failure, CREDENTIAL_MESSAGES) : passkeyProblem(failure));
    return;
  }
  await finishSecondStep({ passkey: assertion });
});

byId('passkey-sign-in').hidden = !passkeysSupported();
byId('passkey-sign-in').addEventListener('click', async () => {
  clearError(error);
  try {
    const { options, challenge_token } = await api('/login/passkey/options', { body: {} });
    const credential = await getAssertion(options);
    signedIn(await api('/login/passkey', { body: { challenge_token, credential } }));
  } catch (failure) {
    showError(
      error,
      failure instanceof ApiError
        ? messageOf(failure, {
            unauthorized: 'This passkey is not known here, or the request expired. Try again.',
            not_found: 'Signing in with a passkey is not available here. Use your password.',
          })
        : passkeyProblem(failure),
    );
  }
});

byId('show-forgot').addEventListener('click', () => {
  clearError(error);
  byId('forgot-email').value = byId('email').value;
  byId('forgot-sent').textContent = '';
  showStep(byId('forgot-step'), steps);
  byId('forgot-email').focus();
});
byId('back-to-sign-in').addEventListener('click', () => {
  clearError(error);
  showStep(byId('password-step'), steps);
  byId('email').focus();
});

onSubmit(byId('forgot-form'), async (data) => {
  clearError(error);
  const username = String(data.get('username') ?? '').trim();
  if (!username) {
    showError(error, 'Enter the email address of your account.');
    byId('forgot-email').focus();
    return;
  }
  try {
    await api('/password/forgot', { body: { username } });
    byId('forgot-sent').textContent =
      `If ${username} has an account, a link to choose a new password is on its way. Check your email.`;
  } catch (failure) {
    showError(error, messageOf(failure));
  }
});
