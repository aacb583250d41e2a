import { BudgetExceededError, RateLimitError } from '../client/errors';
import type { LimitName } from '../client/errors';

/** Where a refused call was headed, for the error's `(METHOD path)` suffix. */
export interface Route {
  method: string;
  path: string;
}

const FIELD: Record<LimitName, string> = {
  requests: 'rpm_limit',
  tokens: 'tpm_limit',
  parallel: 'max_parallel_requests',
  budget: 'max_budget',
  model_requests: 'rpm_limit',
  model_tokens: 'tpm_limit',
  model_budget: 'max_budget',
};

/** `rpm_limit 3`, `tpm_limit 500 for model gpt-4o`: which limit and its value. */
export function nameLimit(limit: LimitName, value: number | null, model?: string): string {
  const unit = limit === 'budget' || limit === 'model_budget' ? ' USD' : '';
  const shown = value === null ? 'unknown' : `${value}${unit}`;
  return `${FIELD[limit]} ${shown}${model === undefined ? '' : ` for model ${model}`}`;
}

export interface RateRefusal {
  limit: LimitName;
  model: string | undefined;
  retryAfterMs: number | undefined;
  /** What happened, e.g. `rpm_limit 3 reached`. */
  reason: string;
  /** When to retry, in words, when no delay can be given (e.g. a parallel cap). */
  hint?: string | undefined;
}

/** The parts every local refusal shares: not sent, so no status, body nor headers. */
function unsent(route: Route, message: string) {
  const { method, path } = route;
  return { source: 'client' as const, status: undefined, body: undefined, headers: undefined,
    message: `Tier limiter refused the call: ${message}`, method, path };
}

/** A `RateLimitError` with `source: 'client'`: the call was not sent. */
export function refuseRate(refusal: RateRefusal, route: Route): RateLimitError {
  const { limit, model, retryAfterMs, reason } = refusal;
  const wait = retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(retryAfterMs));
  const when = refusal.hint ??
    (wait === undefined ? 'retrying will not help until the tier changes' : `retry in ${wait} ms`);
  return new RateLimitError({ ...unsent(route, `${reason}; ${when}`), limit, model,
    retryAfterMs: wait });
}

export interface BudgetRefusal {
  limit: 'budget' | 'model_budget';
  model: string | undefined;
  spend: number;
  maxBudget: number | null;
  resetAt: number | null;
}

/** A `BudgetExceededError` with `source: 'client'`: the call was not sent. */
export function refuseBudget(refusal: BudgetRefusal, route: Route): BudgetExceededError {
  const { limit, model, spend, maxBudget, resetAt } = refusal;
  const resets = resetAt === null
    ? 'no reset time is known'
    : `resets at ${new Date(resetAt).toISOString()}`;
  const message =
    `spend ${spend} USD reached ${nameLimit(limit, maxBudget, model)}; the budget ${resets}`;
  return new BudgetExceededError({ ...unsent(route, message), limit, model, spend,
    maxBudget: maxBudget ?? undefined });
}
