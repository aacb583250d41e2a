import type { JsonReply, TextReply } from './types';

/**
 * The proxy's error shapes, as recorded: the OpenAI-style envelope, `{detail: {error}}` from
 * the budget routes, FastAPI's 422 list, and Starlette's plain-text 500.
 */

/** `{"error": {message, type, param, code}}`; `code` is the status as a string. */
export function envelope(
  status: number,
  message: string,
  type: string,
  param: string | null = 'None',
  headers: Record<string, string> = {},
): JsonReply {
  const body = { error: { message, type, param, code: String(status) } };
  return { kind: 'json', status, headers, body };
}

/** `{"detail": {"error": "..."}}`, the shape every `/budget/*` handler error takes. */
export function detailError(status: number, error: string): JsonReply {
  return { kind: 'json', status, headers: {}, body: { detail: { error } } };
}

/** One entry of FastAPI's 422 list. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export function validationError(issues: ValidationIssue[]): JsonReply {
  return { kind: 'json', status: 422, headers: {}, body: { detail: issues } };
}

/** An exception the proxy does not catch: text/plain 500, no CORS headers. */
export function plainServerError(): TextReply {
  const headers = { 'content-type': 'text/plain; charset=utf-8' };
  return { kind: 'text', status: 500, headers, body: 'Internal Server Error', bare: true };
}

export function routeNotFound(): JsonReply {
  return { kind: 'json', status: 404, headers: {}, body: { detail: 'Not Found' } };
}

export function methodNotAllowed(): JsonReply {
  return { kind: 'json', status: 405, headers: {}, body: { detail: 'Method Not Allowed' } };
}

/** The generic 500 envelope, e.g. `/key/generate` with a tier that does not exist. */
export function internalError(): JsonReply {
  return envelope(500, "{'error': 'Internal Server Error.'}", 'internal_server_error');
}
