import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { OrganizationRole, ProfileView } from '../organizations/organization-scopes.read-model';
import type { LiveReads } from '../sessions/sessions.service';

export const LIVE_READS = 'identity:liveReads';

export type ProfiledRequest = FastifyRequest & { profile?: ProfileView; organizationRole?: OrganizationRole | null };

/**
 * The route answers with the caller's profile: the bearer guard reads it in the same statement as
 * its session check (same checks, one round trip instead of two); @CurrentProfile() hands it over.
 */
export const NeedsProfile = (): MethodDecorator => SetMetadata(LIVE_READS, 'profile' satisfies LiveReads);

/**
 * The route needs the caller's live role in the token's organization: read by the bearer guard in
 * its own statement, handed over by @CurrentOrganizationRole().
 */
export const NeedsOrganizationRole = (): MethodDecorator => SetMetadata(LIVE_READS, 'role' satisfies LiveReads);

/** The caller's user and live organizations, read by the bearer guard on a @NeedsProfile() route. */
export const CurrentProfile = createParamDecorator((_data: unknown, context: ExecutionContext): ProfileView => {
  return context.switchToHttp().getRequest<ProfiledRequest>().profile as ProfileView;
});

/** The caller's live role in the token's organization (null when not a member), on a @NeedsOrganizationRole() route. */
export const CurrentOrganizationRole = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OrganizationRole | null => {
    return context.switchToHttp().getRequest<ProfiledRequest>().organizationRole ?? null;
  },
);
