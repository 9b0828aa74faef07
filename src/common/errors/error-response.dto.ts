import { ApiProperty } from '@nestjs/swagger';

import { ERROR_STATUS } from './error-codes';

export class ErrorResponseDto {
  @ApiProperty({ enum: Object.keys(ERROR_STATUS), example: 'invalid_request' })
  code!: string;

  @ApiProperty({ example: 'Request body is invalid' })
  message!: string;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'Extra machine-readable context; for invalid_request, `fields` lists each bad field as {field, message}.',
    example: { fields: [{ field: 'username', message: 'username must be an email' }] },
  })
  details!: Record<string, unknown> | null;
}
