import { validationError, type ValidationIssue } from './errors';
import type { JsonReply } from './types';

/**
 * Pydantic-like lax coercion of request bodies: numeric strings become numbers ("7" → 7),
 * anything else of the wrong type is a 422 in FastAPI's shape.
 */

export type FieldKind = 'int' | 'float' | 'str' | 'dict' | 'list' | 'bool';
export type Schema = Readonly<Record<string, FieldKind>>;
export type Body = Record<string, unknown>;

type Coerced = { ok: true; value: unknown } | { ok: false; issue: Omit<ValidationIssue, 'loc'> };

const INT_TEXT = /^\s*[-+]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function fail(type: string, msg: string, input: unknown): Coerced {
  return { ok: false, issue: { type, msg, input } };
}

function toInt(input: unknown): Coerced {
  if (typeof input === 'number' && Number.isInteger(input)) return { ok: true, value: input };
  if (typeof input === 'number') {
    return fail(
      'int_from_float',
      'Input should be a valid integer, got a number with a fractional part',
      input,
    );
  }
  if (typeof input === 'string' && INT_TEXT.test(input)) return { ok: true, value: Number(input) };
  if (typeof input === 'string') {
    return fail(
      'int_parsing',
      'Input should be a valid integer, unable to parse string as an integer',
      input,
    );
  }
  return fail('int_type', 'Input should be a valid integer', input);
}

function toFloat(input: unknown): Coerced {
  if (typeof input === 'number') return { ok: true, value: input };
  if (typeof input === 'string' && FLOAT_TEXT.test(input))
    return { ok: true, value: Number(input) };
  if (typeof input === 'string') {
    return fail(
      'float_parsing',
      'Input should be a valid number, unable to parse string as a number',
      input,
    );
  }
  return fail('float_type', 'Input should be a valid number', input);
}

function toBool(input: unknown): Coerced {
  if (typeof input === 'boolean') return { ok: true, value: input };
  if (input === 'true' || input === 'false') return { ok: true, value: input === 'true' };
  return fail('bool_type', 'Input should be a valid boolean', input);
}

function isObject(input: unknown): input is Body {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

function coerceOne(kind: FieldKind, input: unknown): Coerced {
  if (input === null) return { ok: true, value: null };
  switch (kind) {
    case 'int':
      return toInt(input);
    case 'float':
      return toFloat(input);
    case 'bool':
      return toBool(input);
    case 'str':
      return typeof input === 'string'
        ? { ok: true, value: input }
        : fail('string_type', 'Input should be a valid string', input);
    case 'dict':
      return isObject(input)
        ? { ok: true, value: input }
        : fail('dict_type', 'Input should be a valid dictionary', input);
    case 'list':
      return Array.isArray(input)
        ? { ok: true, value: input }
        : fail('list_type', 'Input should be a valid list', input);
  }
}

/** Coerces the fields named in `schema`; `loc` prefixes each issue's location. */
export function coerceFields(body: Body, schema: Schema, loc: (string | number)[] = ['body']) {
  const value: Body = { ...body };
  const issues: ValidationIssue[] = [];
  for (const [field, kind] of Object.entries(schema)) {
    if (!(field in body)) continue;
    const result = coerceOne(kind, body[field]);
    if (result.ok) value[field] = result.value;
    else issues.push({ ...result.issue, loc: [...loc, field] });
  }
  return { value, issues };
}

/** Parses a JSON object body, or answers FastAPI's 422 for a missing or broken one. */
export function parseObjectBody(raw: string | undefined): { body: Body } | { reply: JsonReply } {
  if (raw === undefined || raw.trim() === '') {
    return {
      reply: validationError([
        { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
      ]),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    const ctx = { error: error instanceof Error ? error.message : 'invalid JSON' };
    return {
      reply: validationError([
        { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx },
      ]),
    };
  }
  if (!isObject(parsed)) {
    const msg = 'Input should be a valid dictionary or object to extract fields from';
    return {
      reply: validationError([
        { type: 'model_attributes_type', loc: ['body'], msg, input: parsed },
      ]),
    };
  }
  return { body: parsed };
}

export function missingField(field: string, input: unknown, where = 'body'): JsonReply {
  return validationError([{ type: 'missing', loc: [where, field], msg: 'Field required', input }]);
}

export { isObject };
