import { maskDeep, maskSecrets } from './secrets';

/** Which limit refused a call. Per-model limits carry the model in `model`. */
export type LimitName =
  | 'requests'
  | 'tokens'
  | 'parallel'
  | 'budget'
  | 'model_requests'
  | 'model_tokens'
  | 'model_budget';

/** Who refused: the gateway answered, or the client's tier limiter said no before sending. */
export type RefusalSource = 'gateway' | 'client';

/** `{ name, message, ...the listed fields }` of an error, for its `toJSON()`. */
function fields(error: object, names: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of `name message ${names}`.split(' ')) {
    if (name) out[name] = (error as Record<string, unknown>)[name];
  }
  return out;
}

/** Base of every error this SDK throws. Messages never carry a full key. */
export class TierClientError extends Error {
  override name = 'TierClientError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(maskSecrets(message), options);
  }

  toJSON(): Record<string, unknown> {
    return fields(this, '');
  }
}

/** What an `APIError` knows about the failed request. */
export interface RequestInfo {
  method: string;
  /** Path of the route, without origin or query. */
  path: string;
}

export interface APIErrorInit extends RequestInfo {
  status: number | undefined;
  body: unknown;
  headers: Headers | undefined;
  message: string;
  /** The gateway's `type` (e.g. `budget_exceeded`), when the envelope had one. */
  type?: string | undefined;
  code?: string | undefined;
  param?: string | undefined;
}

/** The gateway answered with an error status (or the client refused in its place). */
export class APIError extends TierClientError {
  override name = 'APIError';
  /** HTTP status; `undefined` when the local limiter refused without a request. */
  declare readonly status: number | undefined;
  /** The parsed body: JSON when it was JSON, else the text. */
  declare readonly body: unknown;
  declare readonly headers: Headers | undefined;
  /** `x-litellm-call-id` of the failed call, when the gateway sent one. */
  declare readonly requestId: string | undefined;
  declare readonly type: string | undefined;
  declare readonly code: string | undefined;
  declare readonly param: string | undefined;
  declare readonly method: string;
  declare readonly path: string;

  constructor(init: APIErrorInit) {
    const { status, headers } = init;
    const prefix = status === undefined ? '' : `${status} `;
    super(`${prefix}${init.message} (${init.method} ${init.path})`);
    Object.assign(this, {
      status,
      body: maskDeep(init.body),
      headers,
      requestId: headers?.get('x-litellm-call-id') ?? undefined,
      type: init.type,
      code: init.code,
      param: init.param,
      method: init.method,
      path: init.path,
    });
  }

  override toJSON(): Record<string, unknown> {
    return fields(this, 'status type code param requestId method path body');
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

export interface RefusalInit {
  source: RefusalSource;
  limit: LimitName;
  model?: string | undefined;
}

/** A rate limit refused the call: the gateway's 429, or the tier limiter before sending. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  declare readonly source: RefusalSource;
  declare readonly limit: LimitName;
  declare readonly model: string | undefined;
  /** How long to wait before the limit can admit the call again, in milliseconds. */
  declare readonly retryAfterMs: number | undefined;

  constructor(init: APIErrorInit & RefusalInit & { retryAfterMs: number | undefined }) {
    super(init);
    const { source, limit, model, retryAfterMs } = init;
    Object.assign(this, { source, limit, model, retryAfterMs });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...fields(this, 'source limit model retryAfterMs') };
  }
}

/** The key's (or a model's) budget is spent: never retried; wait for the budget to reset. */
export class BudgetExceededError extends APIError {
  override name = 'BudgetExceededError';
  declare readonly source: RefusalSource;
  declare readonly limit: LimitName;
  declare readonly model: string | undefined;
  /** Spend in USD when known. */
  declare readonly spend: number | undefined;
  /** The budget in USD when known. */
  declare readonly maxBudget: number | undefined;

  constructor(
    init: APIErrorInit &
      RefusalInit & { spend?: number | undefined; maxBudget?: number | undefined },
  ) {
    super(init);
    const { source, limit, model, spend, maxBudget } = init;
    Object.assign(this, { source, limit, model, spend, maxBudget });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...fields(this, 'source limit model spend maxBudget') };
  }
}

/** The request never got an answer: DNS, refused or dropped connection, malformed body. */
export class APIConnectionError extends TierClientError {
  override name = 'APIConnectionError';
  declare readonly method: string;
  declare readonly path: string;

  constructor(info: RequestInfo & { message?: string; cause?: unknown }) {
    const { method, path } = info;
    super(`${info.message ?? 'Connection error'} (${method} ${path})`, { cause: info.cause });
    Object.assign(this, { method, path });
  }
}

/** No answer within `timeoutMs`. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
  declare readonly timeoutMs: number;

  constructor(info: RequestInfo & { timeoutMs: number }) {
    super({ ...info, message: `Request timed out after ${info.timeoutMs} ms` });
    this.timeoutMs = info.timeoutMs;
  }
}

/** The caller's `signal` aborted the call (or the client was closed). */
export class APIUserAbortError extends TierClientError {
  override name = 'APIUserAbortError';

  constructor(message = 'Request was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}
