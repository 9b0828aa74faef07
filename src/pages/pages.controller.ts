import { applyDecorators, Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Public } from '../common/request/decorators';
import { PagesService } from './pages.service';

/**
 * The pages' own policy, stricter than the API's: nothing but the service's own files, no inline
 * script or style, no framing, no <base>, forms and fetches to this origin only; images may be
 * data: URLs (the TOTP QR code).
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Every page: the strict policy; no Referer, so a token in the address never leaves in one; no
 * copy in any cache, since three of them carry a token in their address and the others show
 * account details.
 */
const Page = (): MethodDecorator =>
  applyDecorators(
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Content-Security-Policy', PAGE_CSP),
    // The older header for the same: helmet's SAMEORIGIN would let a page of this origin frame them.
    Header('X-Frame-Options', 'DENY'),
    Header('Referrer-Policy', 'no-referrer'),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );

/** The service's own pages (HOSTED_PAGES): static HTML and a script each, calling the JSON API like any client. */
@ApiExcludeController()
@Public()
@Controller()
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Get('verify-email')
  @Page()
  verifyEmail(): Buffer {
    return this.pages.page('verifyEmail');
  }

  @Get('reset-password')
  @Page()
  resetPassword(): Buffer {
    return this.pages.page('resetPassword');
  }

  @Get('accept-invitation')
  @Page()
  acceptInvitation(): Buffer {
    return this.pages.page('acceptInvitation');
  }

  @Get('sign-in')
  @Page()
  signIn(): Buffer {
    return this.pages.page('signIn');
  }

  @Get('account/security')
  @Page()
  accountSecurity(): Buffer {
    return this.pages.page('accountSecurity');
  }

  /** The pages' stylesheet and scripts; revalidated on every use, so a new version shows at once. */
  @Get('pages/:name')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const asset = this.pages.asset(name);
    void reply.type(asset.type);
    return asset.body;
  }
}
