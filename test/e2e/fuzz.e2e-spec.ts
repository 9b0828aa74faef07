import request from 'supertest';

import { loginAs, registerUser } from '../support/factories';
import { encodeHostile, Fuzzer, pathParameter, rawBody, seededRandom } from '../support/fuzz';
import { useTestApp } from '../support/test-app';

// Bounded and seeded: the same requests every run, well under a minute on two cores.
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const REQUESTS = 3000;
const CONCURRENCY = 8;
const PER_REQUEST_TIMEOUT_MS = 10_000;

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  fields: string[];
  query: string[];
}

type Schema = { $ref?: string; properties?: Record<string, unknown> };

/** Every operation of the OpenAPI document, with its body's field names and its query parameters. */
function operationsOf(document: {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string }[] }
    >
  >;
  components: { schemas: Record<string, Schema> };
}): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop() as string] : schema;
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method as Operation['method'],
      path,
      fields: Object.keys(resolve(operation.requestBody?.content?.['application/json']?.schema)?.properties ?? {}),
      query: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
    })),
  );
}

describe('every endpoint of the OpenAPI document under a few thousand hostile requests', () => {
  // Wrong current passwords and guesses must not lock the fuzzing account out of its own tokens.
  const t = useTestApp({ env: { LOGIN_FREE_FAILURES: '1000', LOGIN_MAX_FAILURES: '10000' } });

  it('never answers 5xx, never hangs, and answers every 4xx in the error shape', async () => {
    const document = (await t.api().get('/api/openapi.json').expect(200)).body;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(30);

    const user = await registerUser(t.api);
    let session = await loginAs(t.api, user);
    const known = [session.current_organization?.id as string, user.id];
    const fuzz = new Fuzzer(seededRandom(SEED));
    const failures: string[] = [];
    const seen = new Set<string>();

    const send = async (index: number) => {
      const operation = operations[index % operations.length];
      const path = operation.path.replace(/\{[^}]+\}/g, () => pathParameter(fuzz, known));
      const query = operation.query
        .filter(() => fuzz.chance(0.7))
        .map((name) => `${name}=${encodeHostile(asText(fuzz.value()))}`)
        .join('&');
      const body = operation.method === 'get' ? { contentType: undefined, payload: undefined } : rawBody(fuzz, operation.fields);
      const withToken = fuzz.chance(0.6);
      const call = request(t.url)
        [operation.method](query ? `${path}?${query}` : path)
        .timeout(PER_REQUEST_TIMEOUT_MS);
      if (withToken) call.set('Authorization', `Bearer ${session.token}`);
      if (body.contentType) call.set('Content-Type', body.contentType);
      const label = `${operation.method.toUpperCase()} ${`${path}${query ? `?${query}` : ''}`.slice(0, 200)} ${withToken ? '(bearer) ' : ''}${(body.payload ?? '').slice(0, 200)}`;
      try {
        const response = await (body.payload === undefined ? call : call.send(body.payload));
        seen.add(`${operation.method} ${operation.path}`);
        if (response.status >= 500) failures.push(`${response.status} for ${label}: ${response.text.slice(0, 300)}`);
        else if (response.status >= 400 && !isErrorShape(response.body))
          failures.push(`${response.status} not in the error shape for ${label}`);
      } catch (error) {
        failures.push(`no answer (${(error as Error).message}) for ${label}`);
      }
    };

    for (let start = 0; start < REQUESTS; start += CONCURRENCY) {
      // Logout, session deletion and organization deletion end the fuzzing session now and then: a fresh one.
      if (start % 200 === 0) session = await loginAs(t.api, user);
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, REQUESTS - start) }, (_, i) => send(start + i)));
    }

    expect(failures).toEqual([]);
    expect(seen.size).toBe(operations.length);
    await t.api().get('/healthz').expect(200);
  }, 120_000);
});

function isErrorShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message, details, ...rest } = body as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (details === null || (typeof details === 'object' && !Array.isArray(details))) &&
    Object.keys(rest).length === 0
  );
}

/** A query value from any value (objects as JSON: a `toString` key may be anything). */
function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
