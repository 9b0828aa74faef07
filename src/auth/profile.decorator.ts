import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { ProfileView } from '../organizations/organization-scopes.read-model';

export const NEEDS_PROFILE = 'identity:needsProfile';

export type ProfiledRequest = FastifyRequest & { profile?: ProfileView };

/**
 * The route answers with the caller's profile: the bearer guard reads it in the same statement as
 * its session check (same checks, one round trip instead of two); @CurrentProfile() hands it over.
 */
export const NeedsProfile = (): MethodDecorator => SetMetadata(NEEDS_PROFILE, true);

/** The caller's user and live organizations, read by the bearer guard on a @NeedsProfile() route. */
export const CurrentProfile = createParamDecorator((_data: unknown, context: ExecutionContext): ProfileView => {
  return context.switchToHttp().getRequest<ProfiledRequest>().profile as ProfileView;
});
