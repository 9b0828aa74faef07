import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'identity:isPublic';

/** Opts a route out of the global bearer guard (deny by default). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export const NEEDS_PROFILE = 'identity:needsProfile';

/**
 * The route answers with the caller's profile: the bearer guard reads it in the same statement as
 * its session check (same checks, one round trip instead of two) and puts it on the principal.
 */
export const NeedsProfile = (): MethodDecorator => SetMetadata(NEEDS_PROFILE, true);
