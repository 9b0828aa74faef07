import helmet, { HelmetOptions } from 'helmet';

export interface SecurityHeaders {
  /** For answers over HTTPS: helmet's defaults, HSTS and `upgrade-insecure-requests` included. */
  https: Record<string, string>;
  /**
   * For answers over plain HTTP (local development, or TLS ended elsewhere without
   * X-Forwarded-Proto): no HSTS, which a browser ignores there anyway, and no
   * `upgrade-insecure-requests`, which would make the browser fetch the Swagger UI's own
   * stylesheets and scripts over an HTTPS that does not exist.
   */
  http: Record<string, string>;
}

/**
 * Helmet's headers, taken once at start: they depend only on the request's protocol, so every
 * answer gets one of two fixed sets without running the middleware each time.
 */
export function securityHeaders(): SecurityHeaders {
  return {
    https: helmetHeaders({}),
    http: helmetHeaders({
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  };
}

function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: (name: string) => delete headers[name],
  };
  let failed = false;
  helmet(options)({} as never, recorder as never, (error?: unknown) => (failed = error !== undefined));
  if (failed) throw new Error('helmet refused its options');
  return headers;
}
