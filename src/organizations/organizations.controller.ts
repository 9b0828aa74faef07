import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors, BODY_ERRORS } from '../common/http/api-errors.decorator';
import { DELETED, DeletedResponse } from '../common/http/deleted.response';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { OrganizationEnvelope, toOrganizationResponse } from './dto/organization.response';
import { OrganizationSummaryEnvelope, OrganizationSummaryList } from './dto/organization.responses';
import { toOrganizationSummaryResponse } from './dto/organization-summary.response';
import { UpdateOrganizationDto } from './dto/update-organization.dto';
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
  async createOrganization(
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
  async listOrganizations(@CurrentPrincipal() principal: Principal): Promise<OrganizationSummaryList> {
    return { organizations: (await this.organizations.listForUser(principal.userId)).map(toOrganizationSummaryResponse) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an organization', description: 'Needs org.read in that organization.' })
  @ApiOkResponse({ type: OrganizationEnvelope })
  @ApiErrors([401, 403, 404], {
    403: 'The caller lacks org.read there (forbidden)',
    404: 'No such live organization among the caller’s, or a malformed id (not_found)',
  })
  async getOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<OrganizationEnvelope> {
    return { organization: toOrganizationResponse(await this.organizations.getOrganization(principal, id)) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename an organization or change its slug', description: 'Needs org.update in that organization.' })
  @ApiOkResponse({ type: OrganizationEnvelope })
  @ApiErrors([...BODY_ERRORS, 401, 403, 404, 409], {
    403: 'The caller lacks org.update there, or is read_only (forbidden)',
    404: 'No such live organization among the caller’s, or a malformed id (not_found)',
    409: 'The slug belongs to another organization, deleted ones included (conflict)',
  })
  async updateOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateOrganizationDto,
  ): Promise<OrganizationEnvelope> {
    const organization = await this.organizations.updateOrganization(principal, id, { name: body.name, slug: body.slug });
    return { organization: toOrganizationResponse(organization) };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete an organization',
    description:
      'Needs org.delete. Soft delete: the organization disappears from every answer and tokens scoped to it stop working.',
  })
  @ApiOkResponse({ type: DeletedResponse })
  @ApiErrors([401, 403, 404, 409], {
    403: 'The caller lacks org.delete there, or is read_only (forbidden)',
    404: 'No such live organization among the caller’s, or a malformed id (not_found)',
    409: 'It is the caller’s only organization (last_organization)',
  })
  async deleteOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<DeletedResponse> {
    await this.organizations.deleteOrganization(principal, id);
    return DELETED;
  }
}
