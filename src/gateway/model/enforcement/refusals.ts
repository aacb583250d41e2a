import { envelope } from '../errors';
import { pyFloat, utcSeconds } from '../format';
import { randomId } from '../ids';
import type { JsonReply } from '../types';
import type { Refusal } from './admission';
import type { Limits } from './limits';

/** The answers of a refused call: 429 for a rate limit, 400 (or 429) for a spent budget. */

/** `x-litellm-key-*`: the effective limits (only those set) and the spend before the call. */
export function keyHeaders(limits: Limits, spendBefore: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (limits.tpm !== null) headers['x-litellm-key-tpm-limit'] = String(limits.tpm);
  if (limits.rpm !== null) headers['x-litellm-key-rpm-limit'] = String(limits.rpm);
  if (limits.maxBudget !== null) headers['x-litellm-key-max-budget'] = pyFloat(limits.maxBudget);
  headers['x-litellm-key-spend'] = pyFloat(spendBefore);
  return headers;
}

/**
 * 429 over a limit. `retry-after` is always the window and `reset_at` the refusal time
 * plus the window, as the proxy says (both overstate the real wait).
 */
export function rateLimited(
  refusal: Refusal,
  limits: Limits,
  spend: number,
  now: number,
  windowMs: number,
): JsonReply {
  const resetAt = utcSeconds(now + windowMs);
  const { descriptor, type, limit } = refusal;
  const message =
    `Rate limit exceeded for ${descriptor.scope}: ${descriptor.value}. Limit type: ${type}. ` +
    `Current limit: ${limit}, Remaining: 0. Limit resets at: ${resetAt}`;
  const headers = {
    'retry-after': String(Math.ceil(windowMs / 1000)),
    rate_limit_type: type,
    reset_at: resetAt,
    'x-litellm-call-id': randomId(),
    'x-litellm-response-cost': '0',
    ...keyHeaders(limits, spend),
  };
  return envelope(429, message, 'None', 'None', headers);
}

/** The key's spend reached its budget (checked when the key authenticates; no retry-after). */
export function budgetExceeded(status: number, spend: number, maxBudget: number): JsonReply {
  const message =
    `Budget has been exceeded! Current cost: ${pyFloat(spend)}, ` +
    `Max budget: ${pyFloat(maxBudget)}`;
  return envelope(status, message, 'budget_exceeded', null);
}

export function modelBudgetExceeded(
  status: number,
  token: string,
  alias: string | null,
  model: string,
): JsonReply {
  const message =
    `LiteLLM Virtual Key: ${token}, key_alias: ${alias ?? 'None'}, ` +
    `exceeded budget for model=${model}`;
  return envelope(status, message, 'budget_exceeded', null);
}
