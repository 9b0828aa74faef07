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
};

/** Documents error answers, all in the one error shape. `overrides` refines a description. */
export function ApiErrors(statuses: number[], overrides: Record<number, string> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: overrides[status] ?? DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto }),
    ),
  );
}

/** Errors any JSON-body endpoint can answer before it runs. */
export const BODY_ERRORS = [400, 413, 415];
