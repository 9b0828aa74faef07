import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 7662 §2.1, as a form (application/x-www-form-urlencoded) or JSON. */
export class IntrospectionRequest {
  @ApiProperty({ description: 'The token to inspect.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token!: string;

  @ApiPropertyOptional({ description: 'Ignored: every token is looked up as an access token (a refresh token is inactive).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  token_type_hint?: string;
}

/** RFC 7662 §2.2: `{"active": false}` for anything not live, every field otherwise. */
export class IntrospectionResponse {
  @ApiProperty({ description: 'True only for a live access token of this service.' })
  active!: boolean;

  @ApiPropertyOptional({ enum: ['access_token'] })
  token_type?: 'access_token';

  @ApiPropertyOptional({ format: 'uuid', description: 'User id' })
  sub?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Session id' })
  sid?: string;

  @ApiPropertyOptional({ example: 'identity-service' })
  iss?: string;

  @ApiPropertyOptional({ description: 'Expiry, seconds since the epoch' })
  exp?: number;

  @ApiPropertyOptional({ description: 'Issued at, seconds since the epoch' })
  iat?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "The token's organization; null when the caller is no longer a member",
  })
  org_id?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The live role key there; null when not a member' })
  org_role?: string | null;

  @ApiPropertyOptional({ type: [String], description: "The live role's permissions (not the token's copy)" })
  permissions?: string[];
}

/** RFC 8414 (a subset). */
export class AuthorizationServerMetadata {
  @ApiProperty({ example: 'identity-service', description: 'JWT_ISSUER: the iss of every access token' })
  issuer!: string;

  @ApiProperty({ example: 'https://id.example.com/.well-known/jwks.json' })
  jwks_uri!: string;

  @ApiPropertyOptional({
    example: 'https://id.example.com/api/v1/oauth/introspect',
    description: 'Only when INTROSPECTION_CLIENTS is set',
  })
  introspection_endpoint?: string;

  @ApiPropertyOptional({ type: [String], example: ['client_secret_basic'], description: 'Only when introspection is on' })
  introspection_endpoint_auth_methods_supported?: string[];

  @ApiProperty({
    type: [String],
    example: ['none'],
    description: 'Sign-in and refresh take no client authentication (public clients)',
  })
  token_endpoint_auth_methods_supported!: string[];
}
