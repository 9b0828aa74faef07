import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';

import { validateBody } from '../common/http/validation';
import type { ProfileView } from '../organizations/organization-scopes.read-model';
import { InvalidCredentialsError } from './auth.errors';
import { LoginDto } from './dto/login.dto';
import { LocalStrategy } from './local.strategy';

/**
 * Runs the passport-local strategy for login.
 *
 * Two deliberate differences from `AuthGuard('local')`: the body is validated first (guards run
 * before pipes, and a malformed body must answer 400, not passport's 401 "missing credentials"),
 * and passport is handed this app's strategy instance instead of looking "local" up in its
 * process-wide registry, where a second app in the same process (tests, replicas) would replace it.
 */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  constructor(private readonly strategy: LocalStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: ProfileView }>();
    request.body = await validateBody(LoginDto, request.body);
    // passport uses a strategy instance as given and hangs this request's callbacks on it, so each
    // request gets its own object whose prototype is the strategy (what passport does for names).
    const strategy = Object.create(this.strategy) as LocalStrategy;
    request.user = await new Promise<ProfileView>((resolve, reject) => {
      const authenticate = passport.authenticate(
        strategy,
        { session: false },
        (error: Error | null, user: ProfileView | false) => {
          if (error) reject(error);
          else if (!user) reject(new InvalidCredentialsError());
          else resolve(user);
        },
      ) as (req: FastifyRequest, res: FastifyReply, next: (error?: Error) => void) => void;
      authenticate(request, http.getResponse<FastifyReply>(), (error) =>
        reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
    return true;
  }
}
