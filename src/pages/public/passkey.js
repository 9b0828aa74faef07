// WebAuthn in the browser: the service's JSON options go through the browser's own JSON parsers,
// and the credential comes back as JSON with credential.toJSON(). No library needed.

export function passkeysSupported() {
  return (
    typeof window.PublicKeyCredential === 'function' &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
  );
}

/** An assertion (AuthenticationResponseJSON) for request options (PublicKeyCredentialRequestOptionsJSON). */
export async function getAssertion(options) {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  const credential = await navigator.credentials.get({ publicKey });
  if (!credential) throw new Error('no passkey was chosen');
  return credential.toJSON();
}

/** A new credential (RegistrationResponseJSON) for creation options (PublicKeyCredentialCreationOptionsJSON). */
export async function createCredential(options) {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({ publicKey });
  if (!credential) throw new Error('no passkey was created');
  return credential.toJSON();
}

/** Words for a failed or cancelled WebAuthn ceremony. */
export function passkeyProblem(error) {
  if (error && error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
  if (error && error.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return 'The passkey did not work on this device. Try again, or use another way.';
}
