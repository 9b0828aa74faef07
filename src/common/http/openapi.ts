import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = `Users, organizations, memberships, roles and invitations, and the tokens that carry them.

Every answer carries \`X-Request-Id\` (the caller's, when it is short and printable, or a new one).
Errors are \`{"code", "message", "details"}\`. A 429 carries \`Retry-After\`; rate-limited routes also
carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`.`;

/**
 * The OpenAPI document. Operation ids are the handlers' names (`login`, `refreshToken`, `getMe`,
 * `listMembers`), which generated clients turn into method names; they must be unique.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Identity service')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Access token from login or refresh-token',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  assertUniqueOperationIds(document);
  return document;
}

function assertUniqueOperationIds(document: OpenAPIObject): void {
  const seen = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const id = (operation as { operationId?: unknown }).operationId;
      if (typeof id !== 'string') continue;
      if (seen.has(id)) throw new Error(`two handlers are named ${id}: operation ids must be unique`);
      seen.add(id);
    }
  }
}

export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
  });
}
