/**
 * Seeded generators of hostile requests for the fuzz test: the same seed gives the same requests,
 * so a failure can be replayed.
 */

/** mulberry32: small, fast, good enough to pick cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzzer {
  constructor(private readonly random: () => number) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A version-4 UUID from the seed: it names nothing. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** A string from a hostile alphabet: control characters and NUL, quotes, Unicode of every width. */
  string(maxLength = 40): string {
    const pieces = [
      'a',
      'Z',
      '0',
      ' ',
      '@',
      '.',
      '"',
      "'",
      '\\',
      '/',
      '%',
      '\u0000',
      '\u0001',
      '\u001f',
      '\u007f',
      '\n',
      '\r',
      '\t',
      '\u200b',
      '\u202e',
      '\ufeff',
      'İ',
      'ａ',
      'ß',
      'é',
      '😀',
      '\ud800',
      '${x}',
      '<script>',
      "' OR 1=1 --",
      '%00',
      '../',
    ];
    return Array.from({ length: this.int(maxLength) }, () => this.pick(pieces)).join('');
  }

  /** A value that might fit a field, or is of the wrong type, out of range, huge or hostile. */
  value(depth = 0): unknown {
    switch (this.int(depth > 3 ? 14 : 17)) {
      case 0:
        return this.string();
      case 1:
        return `${this.string(10)}@${this.pick(['example.com', 'corp.example', 'ｅxample.com', ''])}`;
      case 2:
        return this.pick(['00000000-0000-4000-8000-000000000001', this.uuid(), 'not-a-uuid', '']);
      case 3:
        return 'x'.repeat(this.pick([73, 201, 321, 1025, 5000, 60_000]));
      case 4:
        return this.pick([0, -1, 1, 1.5, 72, 720, 721, 8761, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308]);
      case 5:
        return this.pick([true, false, null]);
      case 6:
        return 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
      case 7:
        return this.pick(['owner', 'admin', 'org.read', 'members.invite', 'ALL', '*']);
      case 8:
        return '';
      case 9:
        return this.string(200);
      case 10:
        return this.pick(['correct-horse-battery', 'mypassword123', 'é'.repeat(37)]);
      case 11:
        return new Date(this.int(2 ** 42)).toISOString();
      case 12:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
      case 13:
        return String(this.int(1000));
      case 14:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      default:
        return this.object([], depth + 1);
    }
  }

  /** An object with some of `fields` (and sometimes prototype-named or random keys), each a random value. */
  object(fields: readonly string[], depth = 0): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const field of fields) if (this.chance(0.8)) body[field] = this.value(depth);
    const extras = this.int(3);
    for (let i = 0; i < extras; i++) {
      const key = this.pick(['constructor', 'prototype', 'toString', this.string(8), 'a'.repeat(300), '', 'name', 'role_id']);
      body[key] = this.value(depth + 1);
    }
    if (this.chance(0.1)) {
      const key = this.pick(fields.length > 0 ? fields : ['x']);
      body[key] = { constructor: { prototype: this.value(depth + 1), name: 'x' } };
    }
    return body;
  }
}

export interface RawBody {
  contentType: string | undefined;
  payload: string | undefined;
}

/** A request body as sent: JSON of some shape, malformed JSON, or another content type altogether. */
export function rawBody(fuzz: Fuzzer, fields: readonly string[]): RawBody {
  const json = (value: unknown, type = 'application/json'): RawBody => ({ contentType: type, payload: JSON.stringify(value) });
  switch (fuzz.int(14)) {
    case 0:
      return { contentType: undefined, payload: undefined };
    case 1:
      return json(fuzz.value());
    case 2:
      return {
        contentType: 'application/json',
        payload: fuzz.pick(['{', '{"a":', '[1,2', '{"a":1}}', 'nul', '{"a":"\\u00"}', "{'a':1}"]),
      };
    case 3:
      return {
        contentType: fuzz.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
        ]),
        payload: 'a=1&b=2',
      };
    case 4:
      return json(fuzz.object(fields), 'application/json; charset=latin1');
    case 5:
      return { contentType: 'application/json', payload: `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}` };
    case 6:
      return { contentType: 'application/json', payload: `${'['.repeat(3000)}${']'.repeat(3000)}` };
    case 7:
      return json({ [fuzz.pick(fields.length > 0 ? fields : ['x'])]: 'y'.repeat(120_000) });
    case 8:
      return json(fuzz.object(fields), 'application/merge-patch+json');
    default:
      return json(fuzz.object(fields));
  }
}

/** A path parameter: a UUID that names nothing, a real one, or garbage. */
export function pathParameter(fuzz: Fuzzer, known: readonly string[]): string {
  return encodeURIComponent(
    String(fuzz.pick([fuzz.uuid(), ...known, 'bogus', '%00', '..', 'x'.repeat(400), '00000000-0000-0000-0000-000000000000'])),
  );
}

const LONE_SURROGATE = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/** Percent-encodes anything, a lone surrogate included (as the invalid UTF-8 `%ED%A0%80`). */
export function encodeHostile(text: string): string {
  return text
    .split(LONE_SURROGATE)
    .map((part) => (LONE_SURROGATE.test(part) && part.length === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}
