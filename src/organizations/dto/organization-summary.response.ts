import { ApiProperty } from '@nestjs/swagger';

import { OrganizationSummary } from '../organization-scopes.read-model';

export class OrganizationSummaryResponse {
  @ApiProperty({ format: 'uuid', description: 'UUID of the organization.' })
  id!: string;

  @ApiProperty({ example: 'acme-corp' })
  slug!: string;

  @ApiProperty({ example: 'Acme Corp' })
  name!: string;

  @ApiProperty({
    example: 'owner',
    description: "The caller's role in this organization: owner, admin, developer, analyst, viewer, or a custom role's key.",
  })
  role!: string;
}

export function toOrganizationSummaryResponse(summary: OrganizationSummary): OrganizationSummaryResponse {
  return { id: summary.id, slug: summary.slug, name: summary.name, role: summary.role };
}
