import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { validateBody } from '../common/http/validation';
import { LoginDto } from './dto/login.dto';

/**
 * Guards run before pipes, so passport would answer a malformed body with 401 "missing
 * credentials". The body is validated here first: bad input is a 400, as for every other route.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    request.body = await validateBody(LoginDto, request.body);
    return (await super.canActivate(context)) as boolean;
  }
}
