import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { Client, CurrentPrincipal, Public } from '../common/request/decorators';
import type { ClientInfo, Principal } from '../common/request/principal';
import { IpRateLimitGuard, RateLimit } from '../rate-limit/ip-rate-limit.guard';
import { toUserResponse } from '../users/dto/user.response';
import {
  ChangedResponse,
  ChangePasswordDto,
  EmailTokenDto,
  ForgotPasswordDto,
  ResetPasswordDto,
  ResetResponse,
  SentResponse,
  VerifiedResponse,
} from './dto/account.dto';
import { RegisterDto, RegisterResponse } from './dto/register.dto';
import { EmailVerificationService } from './email-verification.service';
import { ForgotPasswordService } from './forgot-password.service';
import { PasswordsService } from './passwords.service';
import { RegistrationService } from './registration.service';

@ApiTags('auth')
@Controller('api/v1')
export class AccountController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly verification: EmailVerificationService,
    private readonly forgotten: ForgotPasswordService,
    private readonly passwords: PasswordsService,
  ) {}

  @Post('register')
  @Public()
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('register')
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Creates the user (system role admin), an initial organization named after the user and the owner membership. No tokens.',
  })
  @ApiOkResponse({ type: RegisterResponse })
  @ApiErrors([...BODY_ERRORS, 409, 429, 503], {
    409: 'An account with this email already exists (email_taken); never with LOGIN_HIDE_UNKNOWN_ACCOUNTS=true, where a taken email is answered like a new one and its owner is emailed instead',
    503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
  })
  async register(@Body() body: RegisterDto): Promise<RegisterResponse> {
    const user = await this.registration.register({ name: body.name, email: body.username, password: body.password });
    return { user: toUserResponse(user) };
  }

  @Public()
  @Post('verify-email')
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('verify_email')
  @ApiOperation({ summary: 'Confirm an email address with the token from the verification email' })
  @ApiOkResponse({ type: VerifiedResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429], { 401: 'The token is invalid, already used or expired (unauthorized)' })
  async verifyEmail(@Body() body: EmailTokenDto): Promise<VerifiedResponse> {
    await this.verification.verifyEmail(body.token);
    return { verified: true };
  }

  @Post('resend-verification')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Send a new verification email; older links stop working' })
  @ApiOkResponse({ type: SentResponse })
  @ApiErrors([401, 409, 429], {
    409: 'The email address is already verified (already_verified)',
    429: 'More than RESEND_VERIFICATION_LIMIT (1 a minute, 10 a day by default) for this account (rate_limited, with Retry-After)',
  })
  async resendVerification(@CurrentPrincipal() principal: Principal): Promise<SentResponse> {
    await this.verification.resendVerification(principal);
    return { sent: true };
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('forgot_password')
  @ApiOperation({ summary: 'Email a password-reset link; answers the same whether or not the account exists' })
  @ApiOkResponse({ type: SentResponse })
  @ApiErrors([...BODY_ERRORS, 429])
  async forgotPassword(@Body() body: ForgotPasswordDto): Promise<SentResponse> {
    await this.forgotten.forgotPassword(body.username);
    return { sent: true };
  }

  @Public()
  @Post('password/reset')
  @HttpCode(200)
  @UseGuards(IpRateLimitGuard)
  @RateLimit('reset_password')
  @ApiOperation({
    summary: 'Set a new password with the token from the reset email; every session is revoked',
    description: "Also clears the account's login throttle: its delay, and the blocks of every client address.",
  })
  @ApiOkResponse({ type: ResetResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429, 503], {
    401: 'The token is invalid, already used or expired (unauthorized)',
    503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
  })
  async resetPassword(@Body() body: ResetPasswordDto): Promise<ResetResponse> {
    await this.passwords.resetPassword(body.token, body.password);
    return { reset: true };
  }

  @Post('me/password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's password; every other session is revoked",
    description:
      'Wrong current passwords count toward the login throttle of the account and client address, as wrong passwords at login do; a change clears the throttle of the account.',
  })
  @ApiOkResponse({ type: ChangedResponse })
  @ApiErrors([...BODY_ERRORS, 401, 429, 503], {
    401: 'Not authenticated, or the current password is wrong (invalid_credentials)',
    429: 'Too many wrong current passwords: the login throttle of the account and client address (rate_limited, with Retry-After)',
    503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
  })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<ChangedResponse> {
    await this.passwords.changePassword(principal, body.current_password, body.new_password, client.ip);
    return { changed: true };
  }
}
