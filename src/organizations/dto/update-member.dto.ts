import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class UpdateMemberDto {
  @ApiProperty({ format: 'uuid', description: 'A built-in role or one of the organization’s custom roles.' })
  @IsUUID('all')
  role_id!: string;
}
