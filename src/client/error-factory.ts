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

const CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
};

/** One place maps a gateway answer to its error class. */
export function errorFromResponse(
  request: RequestInfo,
  status: number,
  body: unknown,
  headers: Headers | undefined,
  now = Date.now(),
): APIError {
  const parts = readErrorBody(body, status);
  const { message } = parts;
  const init: APIErrorInit & { source: 'gateway' } = { method: request.method,
    path: request.path, status, body, headers, ...parts, source: 'gateway' };

  // A spent budget is its own kind whatever the status (400 on 1.80.7, 429 later).
  if (parts.type === 'budget_exceeded' || /budget has been exceeded/i.test(message)) {
    const model = /budget for model=([^\s,.]+)/i.exec(message)?.[1];
    const spend = numberAfter(message, /current (?:cost|spend):\s*([\d.eE+-]+)/i);
    const maxBudget = numberAfter(message, /max budget:\s*([\d.eE+-]+)/i);
    const limit = model ? 'model_budget' : 'budget';
    return new BudgetExceededError({ ...init, limit, model, spend, maxBudget });
  }
  if (status === 429) {
    const kind = headers?.get('rate_limit_type') ?? /limit type:\s*(\w+)/i.exec(message)?.[1];
    const model = /model[=: ]+([\w./:-]+)/i.exec(message)?.[1];
    const limit = limitName(kind, model !== undefined && /model/i.test(kind ?? message));
    const retryAfter = retryAfterMs(headers, message, now);
    return new RateLimitError({ ...init, limit, model, retryAfterMs: retryAfter });
  }
  return new (CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError))(init);
}

function limitName(kind: string | undefined, perModel: boolean): LimitName {
  const base = kind?.toLowerCase() ?? 'requests';
  if (base.includes('parallel') && !base.includes('token')) return 'parallel';
  const what = base.includes('token') ? 'tokens' : 'requests';
  return perModel ? `model_${what}` : what;
}

/**
 * The wait the gateway names: `retry-after` (seconds or a date), else `reset_at`, else the
 * body's "Limit resets at: …" (the only hint a browser can read).
 */
function retryAfterMs(headers: Headers | undefined, message: string, now: number) {
  const retryAfter = headers?.get('retry-after');
  const seconds = Number(retryAfter || Number.NaN);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  let at = retryAfter ? Date.parse(retryAfter) : Number.NaN;
  if (!Number.isFinite(at)) {
    // `2026-12-03 16:01:46 UTC` → epoch ms.
    const resetAt =
      headers?.get('reset_at') ?? /resets at:\s*([0-9-]+ [0-9:.]+)/i.exec(message)?.[1];
    const iso = resetAt?.trim().replace(/ UTC$/, '').replace(' ', 'T');
    if (iso) at = Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
  }
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function numberAfter(text: string, pattern: RegExp): number | undefined {
  const value = Number(pattern.exec(text)?.[1] ?? Number.NaN);
  return Number.isFinite(value) ? value : undefined;
}
