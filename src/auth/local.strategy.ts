import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthService } from './auth.service';
import { ProfileView } from './profiles.repository';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', session: false });
  }

  /** What passport puts on the request: the account and its organizations (see AuthService.login). */
  validate(username: string, password: string): Promise<ProfileView> {
    return this.auth.validateCredentials(username, password);
  }
}
