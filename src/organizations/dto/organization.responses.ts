import { ApiProperty } from '@nestjs/swagger';

import { OrganizationSummaryResponse } from './organization-summary.response';

export class OrganizationSummaryEnvelope {
  @ApiProperty({ type: OrganizationSummaryResponse })
  organization!: OrganizationSummaryResponse;
}

export class OrganizationSummaryList {
  @ApiProperty({ type: [OrganizationSummaryResponse] })
  organizations!: OrganizationSummaryResponse[];
}
