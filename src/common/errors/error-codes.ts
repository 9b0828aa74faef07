/**
 * Every error code the API can answer, with its HTTP status. The `satisfies` clause makes a
 * code without a status a compile error. Codes are stable once shipped.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invitation_expired: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  refresh_token_reused: 401,
  sign_in_required: 401,
  mfa_required: 401,
  forbidden: 403,
  email_not_verified: 403,
  not_found: 404,
  account_not_found: 404,
  conflict: 409,
  already_verified: 409,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  last_organization: 409,
  system_role: 409,
  role_in_use: 409,
  invitation_exists: 409,
  role_key_taken: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
