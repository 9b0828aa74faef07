import { api, ApiError, byId, clearError, clearSession, messageOf, onSubmit, readSession, showError, when } from './api.js';
import { createCredential, passkeyProblem, passkeysSupported } from './passkey.js';
import qrcode from './qrcode.mjs';

const error = byId('error');
const notice = byId('notice');

if (!readSession()) location.replace('/sign-in?next=/account/security');

function tell(message) {
  clearError(error);
  notice.textContent = message;
}

/** A failed call: a session that ended sends the person to sign in again; anything else is read out. */
function failed(failure, own = {}) {
  if (failure instanceof ApiError && failure.status === 401 && !readSession()) {
    location.replace('/sign-in?next=/account/security');
    return;
  }
  notice.textContent = '';
  showError(error, messageOf(failure, { sign_in_required: 'For your safety, sign in again before changing passkeys.', ...own }));
  byId('sign-in-again-row').hidden = !(failure instanceof ApiError && failure.code === 'sign_in_required');
}

const PASSWORD_MESSAGES = { invalid_credentials: 'The password is wrong.', unauthorized: 'The password is wrong.' };

// Two-step verification (TOTP)

function showTotp(part) {
  for (const name of ['off', 'enrol', 'codes', 'on']) byId(`totp-${name}`).hidden = name !== part;
}

function showRecoveryCodes(codes) {
  const list = byId('recovery-codes');
  list.replaceChildren(
    ...codes.map((code) => {
      const item = document.createElement('li');
      item.textContent = code;
      return item;
    }),
  );
  showTotp('codes');
  byId('totp-codes').querySelector('h3').focus();
}

byId('totp-start').addEventListener('click', async () => {
  try {
    const { secret, otpauth_url } = await api('/me/mfa/totp', { auth: true });
    const qr = qrcode(0, 'M');
    qr.addData(otpauth_url);
    qr.make();
    byId('totp-qr').src = qr.createDataURL(6, 4);
    byId('totp-secret').textContent = secret;
    showTotp('enrol');
    tell('');
    byId('totp-code').focus();
  } catch (failure) {
    failed(failure);
  }
});

onSubmit(byId('totp-confirm-form'), async (data) => {
  const code = String(data.get('code') ?? '').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    showError(error, 'Enter the 6 digits your authenticator app shows.');
    byId('totp-code').focus();
    return;
  }
  try {
    const { recovery_codes } = await api('/me/mfa/totp/confirm', { body: { code }, auth: true });
    tell('Two-step verification is on.');
    showRecoveryCodes(recovery_codes);
  } catch (failure) {
    failed(failure, {
      invalid_request: 'That code is not right. Enter the newest code from the app.',
      conflict: 'This set-up has expired or two-step verification is on already. Reload the page.',
    });
    byId('totp-code').select();
  }
});

byId('codes-saved').addEventListener('click', () => {
  byId('recovery-codes').replaceChildren();
  showTotp('on');
  byId('totp-title').focus();
});

onSubmit(byId('recovery-form'), async (data) => {
  try {
    const { recovery_codes } = await api('/me/mfa/recovery-codes', { body: { password: data.get('password') }, auth: true });
    byId('recovery-form').reset();
    tell('New recovery codes are made; the old ones no longer work. You are signed out everywhere else.');
    showRecoveryCodes(recovery_codes);
    void loadSessions();
  } catch (failure) {
    failed(failure, PASSWORD_MESSAGES);
  }
});

onSubmit(byId('totp-off-form'), async (data) => {
  try {
    await api('/me/mfa/totp', { method: 'DELETE', body: { password: data.get('password') }, auth: true });
    byId('totp-off-form').reset();
    showTotp('off');
    tell('Two-step verification is off. You are signed out everywhere else.');
    byId('totp-title').focus();
    void loadSessions();
  } catch (failure) {
    failed(failure, PASSWORD_MESSAGES);
  }
});

// Passkeys

function row(text, buttonLabel, accessibleLabel, onClick) {
  const item = document.createElement('li');
  const what = document.createElement('span');
  what.className = 'what';
  what.textContent = text;
  item.append(what);
  if (buttonLabel) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'danger';
    button.textContent = buttonLabel;
    button.setAttribute('aria-label', accessibleLabel);
    button.addEventListener('click', onClick);
    item.append(button);
  }
  return item;
}

async function loadPasskeys() {
  const list = byId('passkeys');
  try {
    const { passkeys } = await api('/me/passkeys', { method: 'GET', auth: true });
    list.replaceChildren(
      ...(passkeys.length === 0
        ? [row('No passkeys yet.')]
        : passkeys.map((passkey) =>
            row(
              `${passkey.name} · added ${when(passkey.created_at)} · last used ${when(passkey.last_used_at)}`,
              'Delete',
              `Delete passkey ${passkey.name}`,
              () => deletePasskey(passkey),
            ),
          )),
    );
  } catch (failure) {
    // A service without the passkeys feature answers 404: the section has nothing to offer then.
    if (failure instanceof ApiError && failure.status === 404) byId('passkeys-section').hidden = true;
    list.replaceChildren(row('Passkeys cannot be shown right now.'));
    if (failure instanceof ApiError && failure.status === 401) failed(failure);
  }
}

async function deletePasskey(passkey) {
  try {
    await api(`/me/passkeys/${encodeURIComponent(passkey.id)}`, { method: 'DELETE', auth: true });
    await loadPasskeys();
    tell(`Passkey ${passkey.name} is deleted.`);
    byId('passkeys-title').focus();
  } catch (failure) {
    failed(failure);
  }
}

byId('passkey-form').hidden = !passkeysSupported();
onSubmit(byId('passkey-form'), async (data) => {
  const name = String(data.get('name') ?? '').trim();
  let credential;
  try {
    const { options } = await api('/me/passkeys/options', { body: {}, auth: true });
    credential = await createCredential(options);
  } catch (failure) {
    if (failure instanceof ApiError) failed(failure);
    else showError(error, passkeyProblem(failure));
    return;
  }
  try {
    const { passkey } = await api('/me/passkeys', { body: { credential, ...(name ? { name } : {}) }, auth: true });
    byId('passkey-form').reset();
    await loadPasskeys();
    tell(`Passkey ${passkey.name} is added.`);
    byId('passkeys-title').focus();
  } catch (failure) {
    failed(failure);
  }
});

// Sessions

/** "Firefox on Android" from a User-Agent: enough to recognise one's own devices. */
function deviceOf(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browser =
    [
      ['Edg/', 'Edge'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ].find(([marker]) => userAgent.includes(marker))?.[1] ?? 'A browser';
  const system =
    [
      ['Android', 'Android'],
      ['iPhone', 'iPhone'],
      ['iPad', 'iPad'],
      ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([marker]) => userAgent.includes(marker))?.[1] ?? null;
  return system ? `${browser} on ${system}` : userAgent.slice(0, 60);
}

function describeSession(session) {
  const device = deviceOf(session.user_agent);
  const where = session.ip ? ` · ${session.ip}` : '';
  const current = session.current ? ' · this browser' : '';
  return `${device}${where} · signed in ${when(session.created_at)} · last active ${when(session.last_used_at)}${current}`;
}

async function loadSessions() {
  try {
    const { sessions } = await api('/me/sessions', { method: 'GET', auth: true });
    byId('sessions').replaceChildren(
      ...sessions.map((session) =>
        session.current
          ? row(describeSession(session))
          : row(
              describeSession(session),
              'Sign out',
              `Sign out the session of ${deviceOf(session.user_agent)}, signed in ${when(session.created_at)}`,
              () => revokeSession(session),
            ),
      ),
    );
  } catch (failure) {
    failed(failure);
  }
}

async function revokeSession(session) {
  try {
    await api(`/me/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE', auth: true });
    await loadSessions();
    tell('That session is signed out.');
    byId('sessions-title').focus();
  } catch (failure) {
    failed(failure);
  }
}

// The account

async function signOut(then) {
  await api('/logout', { auth: true }).catch(() => undefined);
  clearSession();
  location.assign(then);
}

byId('sign-out').addEventListener('click', () => signOut('/sign-in'));
byId('sign-in-again').addEventListener('click', () => signOut('/sign-in?next=/account/security'));

byId('resend').addEventListener('click', async () => {
  try {
    await api('/resend-verification', { auth: true });
    tell('A new confirmation email is on its way.');
  } catch (failure) {
    failed(failure, { already_verified: 'Your email address is confirmed already.' });
  }
});

async function loadAccount() {
  try {
    const { user } = await api('/me', { method: 'GET', auth: true });
    byId('who').textContent = `Signed in as ${user.email}`;
    byId('verify-section').hidden = user.email_verified_at !== null;
    showTotp(user.mfa?.totp ? 'on' : 'off');
  } catch (failure) {
    failed(failure);
  }
}

if (readSession()) {
  void loadAccount();
  void loadPasskeys();
  void loadSessions();
}
