import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class JwkResponse {
  @ApiProperty({ enum: ['RSA', 'EC'] })
  kty!: string;

  @ApiProperty({ description: 'Key id (RFC 7638 thumbprint); tokens name it in their header.' })
  kid!: string;

  @ApiProperty({ enum: ['RS256', 'ES256'] })
  alg!: string;

  @ApiProperty({ enum: ['sig'] })
  use!: 'sig';

  @ApiPropertyOptional({ description: 'RSA modulus' })
  n?: string;

  @ApiPropertyOptional({ description: 'RSA exponent' })
  e?: string;

  @ApiPropertyOptional({ description: 'EC curve (P-256)' })
  crv?: string;

  @ApiPropertyOptional()
  x?: string;

  @ApiPropertyOptional()
  y?: string;
}

export class JwksResponse {
  @ApiProperty({
    type: [JwkResponse],
    description: 'Public keys only: the signing key and retired keys whose tokens may still be valid. Empty for HS256.',
  })
  keys!: JwkResponse[];
}
