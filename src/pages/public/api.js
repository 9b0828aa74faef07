// Shared by every page: calls to the JSON API, the signed-in session, and the messages a person reads.
//
// Where the tokens live: sessionStorage of this origin. They stay with the tab (gone when it
// closes, never shared with other tabs or sent by the browser on its own, so no CSRF), and survive
// the move from /sign-in to /account/security. Script on this origin can read them, which the
// pages' CSP (script-src 'self', no inline script) keeps to the service's own files. Never in a URL.

const SESSION_KEY = 'identity.session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.message === 'string' ? body.message : `The service answered ${status}`);
    this.status = status;
    this.code = body && typeof body.code === 'string' ? body.code : 'unknown';
    this.details = body && body.details ? body.details : null;
  }
}

export function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return stored && typeof stored.token === 'string' ? stored : null;
  } catch {
    return null;
  }
}

/** Keeps what a SessionResponse carries that the pages need: the token pair and who signed in. */
export function saveSession(answer) {
  sessionStorage.setItem(
    SESSION_KEY,
    JSON.stringify({ token: answer.token, refresh_token: answer.refresh_token, email: answer.user.email }),
  );
}

export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'The service cannot be reached. Check your connection and try again.' });
  }
  const answer = await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, answer };
}

/**
 * One call to the API. With `auth`, the access token of the session goes along; an expired one is
 * refreshed once with the refresh token (which rotates it) and the call repeated.
 */
export async function api(path, { method = 'POST', body, auth = false } = {}) {
  const session = auth ? readSession() : null;
  if (auth && !session) throw new ApiError(401, { code: 'unauthorized', message: 'Sign in first.' });
  let result = await send(method, path, body, session?.token);
  // Only an access token refused as such (expired, revoked) is worth a refresh: a wrong password
  // (invalid_credentials) or a fresh sign-in asked for (sign_in_required) is an answer.
  if (auth && result.status === 401 && result.answer?.code === 'unauthorized' && session.refresh_token) {
    const refreshed = await send('POST', '/refresh-token', { refresh_token: session.refresh_token });
    if (refreshed.ok) {
      saveSession(refreshed.answer);
      result = await send(method, path, body, refreshed.answer.token);
    } else {
      clearSession();
    }
  }
  if (!result.ok) throw new ApiError(result.status, result.answer);
  return result.answer;
}

/** The `token` of the page's address, taken out of the address bar (and so out of the history). */
export function takeTokenFromAddress() {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token !== null) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : ''));
  }
  return token && token.trim() ? token.trim() : null;
}

const MESSAGES = {
  network: 'The service cannot be reached. Check your connection and try again.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  unavailable: 'The service is busy. Try again in a moment.',
  internal_error: 'Something went wrong on our side. Try again later.',
};

/** What to tell a person about a failed call: the page's own words for a code, else the service's. */
export function messageOf(error, own = {}) {
  if (!(error instanceof ApiError)) return 'Something went wrong. Reload the page and try again.';
  if (own[error.code]) return own[error.code];
  if (MESSAGES[error.code]) return MESSAGES[error.code];
  const fields = error.details?.fields;
  if (Array.isArray(fields) && fields.length > 0) return fields.map((field) => capitalise(field.message)).join('. ') + '.';
  return error.message;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Shows a message in a role="alert" element and moves the focus there, so it is read out. */
export function showError(element, message) {
  element.textContent = message;
  element.hidden = false;
  element.focus();
}

export function clearError(element) {
  element.textContent = '';
  element.hidden = true;
}

/** Shows one of the page's steps, hides the others of `group`, and focuses the step's heading. */
export function showStep(step, group = []) {
  for (const other of group) other.hidden = other !== step;
  step.hidden = false;
  const target = step.querySelector('[data-focus]') ?? step.querySelector('h1, h2');
  if (target) target.focus();
}

/** Runs a form's submission with its submit button disabled, so a double press sends once. */
export function onSubmit(form, handler) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    Promise.resolve(handler(new FormData(form))).finally(() => {
      if (button) button.disabled = false;
    });
  });
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

/** A date and time as the reader's browser writes them. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : 'never';
}
