import { readErrorBody } from './envelope';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  type APIErrorInit,
  type LimitName,
  type RequestInfo,
} from './errors';

/** One place maps a gateway answer to its error class. */
export function errorFromResponse(
  request: RequestInfo,
  status: number,
  body: unknown,
  headers: Headers | undefined,
  now = Date.now(),
): APIError {
  const parts = readErrorBody(body, status);
  const init: APIErrorInit = { ...request, status, body, headers, ...parts };

  // A spent budget is its own kind whatever the status (400 on 1.80.7, 429 later).
  if (parts.type === 'budget_exceeded' || /budget has been exceeded/i.test(parts.message)) {
    return budgetError(init, parts.message);
  }
  if (status === 429) return rateLimitError(init, parts.message, headers, now);
  return new (classFor(status))(init);
}

function classFor(status: number): new (init: APIErrorInit) => APIError {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status >= 500) return InternalServerError;
  return APIError;
}

function budgetError(init: APIErrorInit, message: string): BudgetExceededError {
  const model = /budget for model=([^\s,.]+)/i.exec(message)?.[1];
  const spend = numberAfter(message, /current (?:cost|spend):\s*([\d.eE+-]+)/i);
  const maxBudget = numberAfter(message, /max budget:\s*([\d.eE+-]+)/i);
  return new BudgetExceededError({
    ...init,
    source: 'gateway',
    limit: model ? 'model_budget' : 'budget',
    model,
    spend,
    maxBudget,
  });
}

function rateLimitError(
  init: APIErrorInit,
  message: string,
  headers: Headers | undefined,
  now: number,
): RateLimitError {
  const kind = headers?.get('rate_limit_type') ?? /limit type:\s*(\w+)/i.exec(message)?.[1];
  const model = /model[=: ]+([\w./:-]+)/i.exec(message)?.[1];
  return new RateLimitError({
    ...init,
    source: 'gateway',
    limit: limitName(kind, model !== undefined && /model/i.test(kind ?? message)),
    model,
    retryAfterMs: retryAfterMs(headers, message, now),
  });
}

function limitName(kind: string | undefined, perModel: boolean): LimitName {
  const base = kind?.toLowerCase() ?? 'requests';
  if (base.includes('token')) return perModel ? 'model_tokens' : 'tokens';
  if (base.includes('parallel')) return 'parallel';
  return perModel ? 'model_requests' : 'requests';
}

/**
 * The wait the gateway names: `retry-after` (seconds or a date), else `reset_at`, else the
 * body's "Limit resets at: …" (the only hint a browser can read).
 */
export function retryAfterMs(
  headers: Headers | undefined,
  message: string,
  now = Date.now(),
): number | undefined {
  const retryAfter = headers?.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const resetAt = headers?.get('reset_at') ?? /resets at:\s*([0-9-]+ [0-9:.]+)/i.exec(message)?.[1];
  const at = resetAt ? parseUtc(resetAt) : NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** `2026-12-03 16:01:46 UTC` → epoch ms. */
function parseUtc(text: string): number {
  const iso = text.trim().replace(/ UTC$/, '').replace(' ', 'T');
  return Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
}

function numberAfter(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text)?.[1];
  const value = match === undefined ? NaN : Number(match);
  return Number.isFinite(value) ? value : undefined;
}
