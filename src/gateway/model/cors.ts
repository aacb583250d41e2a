import type { AnsweredReply, GatewayRequest, TextReply } from './types';

/**
 * CORS as the proxy does it: any origin echoed, credentials allowed, preflights answered —
 * but no `access-control-expose-headers`, so page scripts see only the status and the body.
 */

export type ExposeOption = boolean | readonly string[];

const PREFLIGHT_VARY =
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, ' +
  'Access-Control-Request-Private-Network';
const METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY';

/** Headers a page can read without being told (no need to expose them). */
const SAFELISTED = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
  'vary',
]);

/** The answer to a CORS preflight, or `null` when the request is not one. */
export function preflight(req: GatewayRequest): TextReply | null {
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  if (req.method !== 'OPTIONS' || origin === undefined || method === undefined) return null;
  const headers: Record<string, string> = {
    vary: PREFLIGHT_VARY,
    'access-control-allow-methods': METHODS,
    'access-control-max-age': '600',
    'access-control-allow-credentials': 'true',
    'access-control-allow-origin': origin,
  };
  const asked = req.headers['access-control-request-headers'];
  if (asked !== undefined) headers['access-control-allow-headers'] = asked;
  headers['content-type'] = 'text/plain; charset=utf-8';
  return { kind: 'text', status: 200, headers, body: 'OK' };
}

function exposed(reply: AnsweredReply, option: ExposeOption): string[] {
  if (option === false) return [];
  if (option !== true) return [...option];
  return Object.keys(reply.headers).filter((name) => !SAFELISTED.has(name.toLowerCase()));
}

/** Adds the CORS headers of an actual (non-preflight) answer. */
export function withCors(
  req: GatewayRequest,
  reply: AnsweredReply,
  option: ExposeOption,
): AnsweredReply {
  if (reply.bare) return reply;
  const headers: Record<string, string> = { ...reply.headers, vary: 'Origin' };
  const origin = req.headers.origin;
  if (origin !== undefined) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-credentials'] = 'true';
    const names = exposed(reply, option);
    if (names.length > 0) headers['access-control-expose-headers'] = names.join(', ');
  }
  return { ...reply, headers };
}
