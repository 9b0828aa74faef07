/**
 * A credential in a URL's query: `token=`, `refresh_token=`, `accept_token=`, `*secret=`,
 * `code=`, `password=`. Links in emails carry one-time tokens, and a client may put a token in a
 * query string by mistake; neither may reach a log line or a stored email once it is sent.
 */
const CREDENTIAL_IN_QUERY = /([?&;](?:[\w.-]*token|[\w.-]*secret|code|password)=)[^&\s"'<>\\#]+/gi;

/** `…?token=abc` → `…?token=[redacted]`, anywhere in the text. */
export function redactTokens(text: string): string {
  return text.replace(CREDENTIAL_IN_QUERY, '$1[redacted]');
}
