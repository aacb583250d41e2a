// A small JSON Schema (2020-12 subset) checker for our own spec. It knows only the keywords
// openapi/litellm-tiers.yaml uses, and fails loudly on any other, so a new keyword in the
// spec cannot be silently ignored by the wire tests.

export type Schema = boolean | { [keyword: string]: unknown };

/** Resolves a local `$ref` such as `#/components/schemas/BudgetRow`. */
export type RefResolver = (ref: string) => Schema;

// `format`, `description` and `title` are annotations: accepted, not checked.
const KNOWN = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'oneOf', 'anyOf',
  'enum', 'const', 'pattern', 'minItems', 'minimum', 'maximum', 'minLength', 'format',
  'description', 'title',
]);

/** Returns the problems found, each as `<json path>: <what is wrong>`; empty when valid. */
export function validate(value: unknown, schema: Schema, resolve: RefResolver, at = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: nothing is allowed here`];
  const unknownKeyword = Object.keys(schema).find((k) => !KNOWN.has(k));
  if (unknownKeyword !== undefined) return [`${at}: checker does not know "${unknownKeyword}"`];
  if (typeof schema.$ref === 'string') return validate(value, resolve(schema.$ref), resolve, at);
  return [
    ...checkType(value, schema, at),
    ...checkScalar(value, schema, at),
    ...checkObject(value, schema, resolve, at),
    ...checkArray(value, schema, resolve, at),
    ...checkCombinators(value, schema, resolve, at),
  ];
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

function checkType(value: unknown, schema: Record<string, unknown>, at: string): string[] {
  if (schema.type === undefined) return [];
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.some((t) => hasType(value, t))) return [];
  return [`${at}: expected ${types.join(' | ')}, got ${typeOf(value)} ${JSON.stringify(value)}`];
}

function checkScalar(value: unknown, schema: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  const shown = JSON.stringify(value);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    out.push(`${at}: ${shown} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && schema.const !== value) {
    out.push(`${at}: ${shown} is not ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      out.push(`${at}: ${shown} does not match ${schema.pattern}`);
    }
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) {
      out.push(`${at}: ${shown} is shorter than ${schema.minLength}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      out.push(`${at}: ${value} is below ${schema.minimum}`);
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      out.push(`${at}: ${value} is above ${schema.maximum}`);
    }
  }
  return out;
}

function checkObject(
  value: unknown, schema: Record<string, unknown>, resolve: RefResolver, at: string,
): string[] {
  if (typeOf(value) !== 'object') return [];
  const object = value as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const extra = (schema.additionalProperties ?? true) as Schema;
  const out = required.filter((k) => !(k in object)).map((k) => `${at}: "${k}" is missing`);
  for (const [key, item] of Object.entries(object)) {
    const sub = properties[key] ?? extra;
    out.push(...validate(item, sub, resolve, `${at}.${key}`));
  }
  return out;
}

function checkArray(
  value: unknown, schema: Record<string, unknown>, resolve: RefResolver, at: string,
): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    out.push(`${at}: ${value.length} items, fewer than ${schema.minItems}`);
  }
  if (schema.items !== undefined) {
    const items = schema.items as Schema;
    value.forEach((item, i) => out.push(...validate(item, items, resolve, `${at}[${i}]`)));
  }
  return out;
}

function checkCombinators(
  value: unknown, schema: Record<string, unknown>, resolve: RefResolver, at: string,
): string[] {
  const out: string[] = [];
  if (Array.isArray(schema.oneOf)) {
    const results = (schema.oneOf as Schema[]).map((s) => validate(value, s, resolve, at));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      const why = results.flat().join('; ');
      out.push(`${at}: matches ${passing} of oneOf, needs exactly 1 (${why})`);
    }
  }
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Schema[]).map((s) => validate(value, s, resolve, at));
    if (!results.some((r) => r.length === 0)) {
      out.push(`${at}: matches none of anyOf (${results.flat().join('; ')})`);
    }
  }
  return out;
}
