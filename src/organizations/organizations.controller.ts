import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { toOrganizationSummaryResponse } from './dto/organization-summary.response';
import { OrganizationSummaryEnvelope, OrganizationSummaryList } from './dto/organization.responses';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an organization; the caller becomes its owner' })
  @ApiOkResponse({ type: OrganizationSummaryEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403], { 403: 'The caller is read_only (forbidden)' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateOrganizationDto,
  ): Promise<OrganizationSummaryEnvelope> {
    const organization = await this.organizations.createOrganizationFor(principal, body.name);
    return { organization: toOrganizationSummaryResponse(organization) };
  }

  @Get()
  @ApiOperation({ summary: 'List the organizations the caller belongs to' })
  @ApiOkResponse({ type: OrganizationSummaryList })
  @ApiErrors([401])
  async list(@CurrentPrincipal() principal: Principal): Promise<OrganizationSummaryList> {
    return { organizations: (await this.organizations.listForUser(principal.userId)).map(toOrganizationSummaryResponse) };
  }
}
