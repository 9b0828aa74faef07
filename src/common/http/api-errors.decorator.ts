import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

import { ErrorResponseDto } from '../errors/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Request body is invalid or missing required fields (invalid_request; details.fields lists each bad field)',
  401: 'Authentication failed',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body is too large (payload_too_large)',
  415: 'Request body is not application/json (unsupported_media_type)',
  429: 'Too many requests (rate_limited)',
  500: 'Unexpected error (internal_error); nothing internal is disclosed',
  503: 'The service cannot answer now (unavailable); try again after Retry-After',
};

const seconds = (description: string) => ({ description, schema: { type: 'integer' } });

/** Headers an error answer carries, by status. */
const HEADERS: Record<number, Record<string, { description: string; schema: { type: string } }>> = {
  429: {
    'Retry-After': seconds('Seconds to wait before trying again'),
    'RateLimit-Limit': seconds('Requests allowed per window (per-IP limits only)'),
    'RateLimit-Remaining': seconds('Requests left in the window (per-IP limits only)'),
    'RateLimit-Reset': seconds('Seconds until the window resets (per-IP limits only)'),
  },
  503: { 'Retry-After': seconds('Seconds to wait before trying again') },
};

/** Documents error answers, all in the one error shape. `overrides` refines a description. */
export function ApiErrors(statuses: number[], overrides: Record<number, string> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: overrides[status] ?? DESCRIPTIONS[status] ?? 'Error',
        type: ErrorResponseDto,
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
      }),
    ),
  );
}

/** Errors any JSON-body endpoint can answer before it runs. */
export const BODY_ERRORS = [400, 413, 415];
