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

/** Base of every error this SDK throws. Messages never carry a full key. */
export class TierClientError extends Error {
  override name = 'TierClientError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(maskSecrets(message), options);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
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
  readonly status: number | undefined;
  /** The parsed body: JSON when it was JSON, else the text. */
  readonly body: unknown;
  readonly headers: Headers | undefined;
  /** `x-litellm-call-id` of the failed call, when the gateway sent one. */
  readonly requestId: string | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(init: APIErrorInit) {
    super(describe(init));
    this.status = init.status;
    this.body = maskDeep(init.body);
    this.headers = init.headers;
    this.requestId = init.headers?.get('x-litellm-call-id') ?? undefined;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.method = init.method;
    this.path = init.path;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      type: this.type,
      code: this.code,
      param: this.param,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      body: this.body,
    };
  }
}

function describe(init: APIErrorInit): string {
  const status = init.status === undefined ? '' : `${init.status} `;
  return `${status}${init.message} (${init.method} ${init.path})`;
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
  readonly source: RefusalSource;
  readonly limit: LimitName;
  readonly model: string | undefined;
  /** How long to wait before the limit can admit the call again, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(init: APIErrorInit & RefusalInit & { retryAfterMs: number | undefined }) {
    super(init);
    this.source = init.source;
    this.limit = init.limit;
    this.model = init.model;
    this.retryAfterMs = init.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    const { source, limit, model, retryAfterMs } = this;
    return { ...super.toJSON(), source, limit, model, retryAfterMs };
  }
}

/** The key's (or a model's) budget is spent: never retried; wait for the budget to reset. */
export class BudgetExceededError extends APIError {
  override name = 'BudgetExceededError';
  readonly source: RefusalSource;
  readonly limit: LimitName;
  readonly model: string | undefined;
  /** Spend in USD when known. */
  readonly spend: number | undefined;
  /** The budget in USD when known. */
  readonly maxBudget: number | undefined;

  constructor(
    init: APIErrorInit &
      RefusalInit & { spend?: number | undefined; maxBudget?: number | undefined },
  ) {
    super(init);
    this.source = init.source;
    this.limit = init.limit;
    this.model = init.model;
    this.spend = init.spend;
    this.maxBudget = init.maxBudget;
  }

  override toJSON(): Record<string, unknown> {
    const { source, limit, model, spend, maxBudget } = this;
    return { ...super.toJSON(), source, limit, model, spend, maxBudget };
  }
}

/** The request never got an answer: DNS, refused or dropped connection, malformed body. */
export class APIConnectionError extends TierClientError {
  override name = 'APIConnectionError';
  readonly method: string;
  readonly path: string;

  constructor(info: RequestInfo & { message?: string; cause?: unknown }) {
    const why = info.message ?? 'Connection error';
    super(`${why} (${info.method} ${info.path})`, { cause: info.cause });
    this.method = info.method;
    this.path = info.path;
  }
}

/** No answer within `timeoutMs`. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
  readonly timeoutMs: number;

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
