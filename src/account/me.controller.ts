import { Body, Controller, Delete, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentProfile, NeedsProfile } from '../auth/profile.decorator';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { NoStore } from '../common/http/no-store';
import { Client, CurrentPrincipal } from '../common/request/decorators';
import type { ClientInfo, Principal } from '../common/request/principal';
import type { ProfileView } from '../organizations/organization-scopes.read-model';
import { toUserResponse } from '../users/dto/user.response';
import { AccountDeletionService } from './account-deletion.service';
import { AccountExportService } from './account-export.service';
import { AccountExportResponse, toAccountExportResponse } from './dto/account-export.response';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { MeResponse, toMeResponse, UserEnvelope } from './dto/me.response';
import { UpdateMeDto } from './dto/update-me.dto';
import { MeService } from './me.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly deletion: AccountDeletionService,
    private readonly exports: AccountExportService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller, the organization of the access token and every organization of the caller' })
  @ApiOkResponse({ type: MeResponse })
  @ApiErrors([401])
  @NeedsProfile()
  async getMe(@CurrentPrincipal() principal: Principal, @CurrentProfile() profile: ProfileView): Promise<MeResponse> {
    return toMeResponse(await this.me.profileOf(principal, profile));
  }

  @Patch()
  @ApiOperation({ summary: "Change the caller's name" })
  @ApiOkResponse({ type: UserEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403], { 403: 'The caller is read_only (forbidden)' })
  async updateMe(@CurrentPrincipal() principal: Principal, @Body() body: UpdateMeDto): Promise<UserEnvelope> {
    return { user: toUserResponse(await this.me.rename(principal, body.name)) };
  }

  @Delete()
  @ApiOperation({
    summary: "Delete the caller's account for good",
    description:
      'Erases the account: name, email and password hash, every session (revoked at once), every membership, and the organizations where the caller is the only member. Audit events keep the user id, without the email or name. The email may register again. Wrong passwords count toward the login throttle of the account and client address.',
  })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([...BODY_ERRORS, 401, 409, 429, 503], {
    401: 'Not authenticated, or the password (or the TOTP code) is wrong (invalid_credentials)',
    409: 'The caller is the last owner of an organization that has other members: make another member an owner first (last_owner; details.organization_ids)',
    429: 'Too many wrong passwords: the login throttle of the account and client address (rate_limited, with Retry-After)',
    503: 'Too many password hashes are waiting (PASSWORD_HASH_QUEUE): unavailable, with Retry-After',
  })
  async deleteMe(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DeleteAccountDto,
    @Client() client: ClientInfo,
  ): Promise<DeletedResponse> {
    await this.deletion.deleteAccount(principal, { password: body.password, code: body.code }, client.ip);
    return DELETED;
  }

  @Get('export')
  @NoStore()
  @ApiOperation({
    summary: 'Everything the service holds about the caller (GDPR art. 15 and 20)',
    description:
      'The user, every membership (deleted organizations too), every stored session and every audit event by or about the caller, read as one consistent snapshot. Never a hash or a token.',
  })
  @ApiOkResponse({ type: AccountExportResponse })
  @ApiErrors([401])
  async exportMe(@CurrentPrincipal() principal: Principal): Promise<AccountExportResponse> {
    return toAccountExportResponse(await this.exports.exportAccount(principal));
  }
}
