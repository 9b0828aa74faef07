import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a relying party's page does with the service's JSON, in the browser's own API: the
 * options go through PublicKeyCredential.parse*OptionsFromJSON() into navigator.credentials, and
 * the credential comes back as credential.toJSON() (the shapes of @simplewebauthn/browser).
 * `call` posts to the service from the page (cross-origin: the service lists the page's origin
 * in CORS_ORIGINS). Every helper answers what it sent, so a test can send it again.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>passkey test page</title></head>
<body><h1>passkey test page</h1><script>
async function call(service, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const response = await fetch(service + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json(), cacheControl: response.headers.get('cache-control') };
}
async function createPasskey(optionsJSON) {
  const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(optionsJSON) });
  return credential.toJSON();
}
async function getPasskey(optionsJSON) {
  const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(optionsJSON) });
  return credential.toJSON();
}
async function registerPasskey(service, token, name) {
  const options = await call(service, '/api/v1/me/passkeys/options', {}, token);
  if (options.status !== 200) return { step: 'options', ...options };
  const request = { credential: await createPasskey(options.body.options), name };
  return { request, options: options.body.options, ...(await call(service, '/api/v1/me/passkeys', request, token)) };
}
async function signInWithPasskey(service, overrides) {
  const options = await call(service, '/api/v1/login/passkey/options', {});
  const credential = await getPasskey({ ...options.body.options, ...overrides });
  const request = { challenge_token: options.body.challenge_token, credential };
  return { request, options: options.body.options, ...(await call(service, '/api/v1/login/passkey', request)) };
}
async function secondFactorWithPasskey(service, mfaToken) {
  const options = await call(service, '/api/v1/login/mfa/passkey-options', { mfa_token: mfaToken });
  if (options.status !== 200) return { step: 'options', ...options };
  const request = { mfa_token: mfaToken, passkey: await getPasskey(options.body.options) };
  return { request, options: options.body.options, ...(await call(service, '/api/v1/login/mfa', request)) };
}
async function twoAnswersToOneChallenge(service) {
  const options = await call(service, '/api/v1/login/passkey/options', {});
  const answers = [await getPasskey(options.body.options), await getPasskey(options.body.options)];
  const results = [];
  for (const credential of answers) {
    results.push(await call(service, '/api/v1/login/passkey', { challenge_token: options.body.challenge_token, credential }));
  }
  return results;
}
</script></body></html>`;

export interface PasskeyPageServer {
  /** http://localhost:<port>: a secure context, whose host is the RP id localhost. */
  origin: string;
  close(): Promise<void>;
}

/** Serves the page on a free port of 127.0.0.1, reached as http://localhost:<port>. */
export async function servePasskeyPage(): Promise<PasskeyPageServer> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}
