import { applyDecorators, HttpCode, Post, UseGuards } from '@nestjs/common';

import { NoStore } from '../common/http/no-store';
import { Public } from '../common/request/decorators';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';

/**
 * A step of a sign-in without a bearer token (the second factor, a passkey): POST, 200, under the
 * per-IP limit of login, and `no-store` unless the answer carries no secret.
 */
export function SignInStep(path?: string, options: { noStore?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    Post(path),
    Public(),
    ...(options.noStore === false ? [] : [NoStore()]),
    HttpCode(200),
    UseGuards(IpRateLimitGuard),
    RateLimit('login'),
  );
}
