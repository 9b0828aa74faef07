import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/http/api-errors.decorator';
import { CurrentPrincipal } from '../common/request/decorators';
import type { Principal } from '../common/request/principal';
import { AuditEventsPage, AuditEventsQuery, toAuditEventResponse } from './dto/audit-event.response';
import { OrganizationsService } from './organizations.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit-events')
export class AuditEventsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: "The security trail of the caller's organization (audit.read), newest first" })
  @ApiOkResponse({ type: AuditEventsPage })
  @ApiErrors([400, 401, 403])
  async listAuditEvents(@CurrentPrincipal() principal: Principal, @Query() query: AuditEventsQuery): Promise<AuditEventsPage> {
    const page = await this.organizations.auditTrail(principal, query.limit ?? 50, query.cursor);
    return { audit_events: page.events.map(toAuditEventResponse), next_cursor: page.nextCursor };
  }
}
