import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';

import { CredentialsService, SignInAccount } from './credentials.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly credentials: CredentialsService) {
    super({ usernameField: 'username', passwordField: 'password', session: false, passReqToCallback: true });
  }

  /** What passport puts on the request: the account, its organizations and its second factor (see LoginController). */
  validate(request: FastifyRequest, username: string, password: string): Promise<SignInAccount> {
    return this.credentials.validateCredentials(username, password, request.ip);
  }
}
