import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

import { Trim } from '../../common/http/validators';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;
}
