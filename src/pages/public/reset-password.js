import { api, byId, clearError, messageOf, onSubmit, showError, showStep, takeTokenFromAddress } from './api.js';

const error = byId('error');
const form = byId('reset-form');
const token = takeTokenFromAddress();

if (!token) {
  form.hidden = true;
  showError(error, 'This link has no token. Open the link from the email again, or ask for a new one on the sign-in page.');
}

onSubmit(form, async (data) => {
  clearError(error);
  const password = String(data.get('password') ?? '');
  if (password.length < 8) {
    showError(error, 'The new password needs at least 8 characters.');
    byId('password').focus();
    return;
  }
  if (password !== data.get('repeat')) {
    showError(error, 'The two passwords are not the same. Type the new password twice.');
    byId('repeat').focus();
    return;
  }
  try {
    await api('/password/reset', { body: { token, password } });
    showStep(byId('done-step'), [byId('form-step')]);
  } catch (failure) {
    showError(
      error,
      messageOf(failure, {
        unauthorized:
          'This link is invalid, used already or expired. Ask for a new one on the sign-in page ("Forgot your password?").',
      }),
    );
  }
});
