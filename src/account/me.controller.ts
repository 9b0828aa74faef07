import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentProfile, NeedsProfile } from '../auth/profile.decorator';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import type { ProfileView } from '../organizations/organization-scopes.read-model';
import { toUserResponse } from '../users/dto/user.response';
import { MeResponse, toMeResponse, UserEnvelope } from './dto/me.response';
import { UpdateMeDto } from './dto/update-me.dto';
import { MeService } from './me.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @ApiOperation({ summary: 'The caller, the organization of the access token and every organization of the caller' })
  @ApiOkResponse({ type: MeResponse })
  @ApiErrors([401])
  @NeedsProfile()
  getMe(@CurrentPrincipal() principal: Principal, @CurrentProfile() profile: ProfileView): MeResponse {
    return toMeResponse(this.me.profileOf(principal, profile));
  }

  @Patch()
  @ApiOperation({ summary: "Change the caller's name" })
  @ApiOkResponse({ type: UserEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403], { 403: 'The caller is read_only (forbidden)' })
  async updateMe(@CurrentPrincipal() principal: Principal, @Body() body: UpdateMeDto): Promise<UserEnvelope> {
    return { user: toUserResponse(await this.me.rename(principal, body.name)) };
  }
}
