import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

import { AuditEvent } from '../../audit/audit-event.entity';

export class AuditEventsQuery {
  @ApiProperty({ required: false, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiProperty({ required: false, description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'login.succeeded' })
  type!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actor_user_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organization_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user, membership, role or session concerned' })
  target_id!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  request_id!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class AuditEventsPage {
  @ApiProperty({ type: [AuditEventResponse], description: 'Newest first' })
  audit_events!: AuditEventResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  next_cursor!: string | null;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    type: event.type,
    actor_user_id: event.actorUserId,
    organization_id: event.organizationId,
    target_id: event.targetId,
    details: event.details,
    ip: event.ip,
    request_id: event.requestId,
    created_at: event.occurredAt.toISOString(),
  };
}
