import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/http/api-errors.decorator';
import { FORM_BODY } from '../common/http/json-body-parser';
import { Public } from '../common/request/decorators';
import { AuthorizationServerMetadata, IntrospectionRequest, IntrospectionResponse } from './dto/introspection.dto';
import { IntrospectionService } from './introspection.service';
import { IntrospectionClientGuard } from './introspection-client.guard';

@ApiTags('auth')
@Public()
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('api/v1/oauth/introspect')
  @HttpCode(200)
  @RouteConfig(FORM_BODY)
  @UseGuards(IntrospectionClientGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiBasicAuth()
  @ApiOperation({
    summary: 'Token introspection (RFC 7662)',
    description:
      'For resource servers that would rather ask than verify offline. Clients authenticate with HTTP Basic (INTROSPECTION_CLIENTS); unset, the endpoint answers 404. The token is checked live, as on every authenticated route; organization, role and permissions are the live membership’s.',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: IntrospectionRequest })
  @ApiOkResponse({ type: IntrospectionResponse, description: '`{"active": false}` for anything not a live access token' })
  @ApiErrors([400, 401, 404, 413, 415], {
    401: 'Client authentication failed (unauthorized), with WWW-Authenticate: Basic',
    404: 'Introspection is off: INTROSPECTION_CLIENTS is unset (not_found)',
    415: 'The body is neither a form nor JSON (unsupported_media_type)',
  })
  introspectToken(@Body() body: IntrospectionRequest): Promise<IntrospectionResponse> {
    return this.introspection.introspectToken(body.token);
  }

  @Get('.well-known/oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Authorization server metadata (RFC 8414, a subset)',
    description: 'The issuer, where its keys are, and the introspection endpoint when it is on; URLs start at PUBLIC_URL.',
  })
  @ApiOkResponse({ type: AuthorizationServerMetadata })
  getAuthorizationServerMetadata(): AuthorizationServerMetadata {
    return this.introspection.describeServer();
  }
}
