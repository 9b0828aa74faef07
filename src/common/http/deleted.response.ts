import { ApiProperty } from '@nestjs/swagger';

/** The answer of every delete. */
export class DeletedResponse {
  @ApiProperty({ type: Boolean, enum: [true], example: true })
  deleted!: true;
}

export const DELETED: DeletedResponse = { deleted: true };
