import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../common/request/decorators';
import { JwksResponse } from './dto/jwks.response';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  // Verifiers also refetch when a token names a kid they do not know (a fresh rotation).
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys that verify the tokens (JWKS)',
    description:
      'RS256/ES256: the signing key and every retired key whose tokens may still be valid. HS256 publishes nothing (empty list).',
  })
  @ApiOkResponse({ type: JwksResponse })
  getJwks(): JwksResponse {
    return { keys: this.keys.publishedKeys().map((key) => ({ ...key })) };
  }
}
