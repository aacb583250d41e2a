import type { Caller } from '../auth';
import type { Ctx } from '../context';
import type { Descriptor, Refusal } from '../enforcement/admission';
import { effectiveLimits, NO_LIMITS, type Limits } from '../enforcement/limits';
import { budgetExceeded, modelBudgetExceeded } from '../enforcement/refusals';
import { reservedTokens, smallest } from '../enforcement/tokens';
import { envelope } from '../errors';
import type { RefusalReason } from '../stats';
import type { JsonReply } from '../types';
import { readCall, type CallRequest, type UpstreamAnswer } from '../upstream';
import { isObject } from '../validate';

/** The checks a model call passes before it is admitted, and how its tokens are weighed. */

export function parseCall(
  raw: string | undefined,
  kind: CallRequest['kind'],
): CallRequest | JsonReply {
  let body: unknown;
  try {
    body = JSON.parse(raw ?? '');
  } catch {
    return envelope(400, 'The request body is not valid JSON.', 'bad_request_error');
  }
  if (!isObject(body))
    return envelope(400, 'The request body must be a JSON object.', 'bad_request_error');
  return readCall(body, kind);
}

export function notAllowed(caller: Caller, call: CallRequest, ctx: Ctx): JsonReply | null {
  if (!(call.model in ctx.options.prices)) {
    const message =
      `Invalid model name passed in model=${call.model}. ` +
      'Call `/v1/models` to view available models for your key.';
    return envelope(400, message, 'bad_request_error', 'model');
  }
  if (caller.kind !== 'key' || caller.key.models.length === 0) return null;
  if (caller.key.models.includes(call.model)) return null;
  const message =
    `Authentication Error, API Key not allowed to access model. ` +
    `This token can only access models=${JSON.stringify(caller.key.models)}. ` +
    `Tried to access ${call.model}`;
  return envelope(401, message, 'key_model_access_denied', 'model');
}

/** Budgets are checked when the key authenticates: `spend >= max_budget` refuses. */
export function overBudget(ctx: Ctx, caller: Caller, limits: Limits, model: string) {
  if (caller.kind !== 'key') return null;
  const status = ctx.options.budgetExceededStatus;
  const key = caller.key;
  if (limits.maxBudget !== null && key.spend >= limits.maxBudget) {
    return {
      reason: 'budget' as const,
      reply: budgetExceeded(status, key.spend, limits.maxBudget),
    };
  }
  if (limits.modelBudget !== null && (key.modelSpend[model] ?? 0) >= limits.modelBudget) {
    const reply = modelBudgetExceeded(status, key.token, key.key_alias, model);
    return { reason: 'model_budget' as const, reply };
  }
  return null;
}

export function descriptorsFor(token: string, model: string, limits: Limits): Descriptor[] {
  const out: Descriptor[] = [];
  if (limits.rpm !== null || limits.tpm !== null || limits.maxParallel !== null) {
    out.push({
      scope: 'api_key',
      value: token,
      requests: limits.rpm,
      tokens: limits.tpm,
      parallel: limits.maxParallel,
    });
  }
  if (limits.modelRpm !== null || limits.modelTpm !== null) {
    const value = `${token}:${model}`;
    out.push({
      scope: 'model_per_key',
      value,
      requests: limits.modelRpm,
      tokens: limits.modelTpm,
      parallel: null,
    });
  }
  return out;
}

export function reasonOf(refusal: Refusal): RefusalReason {
  if (refusal.type === 'max_parallel_requests') return 'parallel';
  return refusal.descriptor.scope === 'model_per_key' ? `model_${refusal.type}` : refusal.type;
}

/** Tokens weighed at admission: one (1.80.7), or the newer proxies' estimate. */
export function admissionTokens(ctx: Ctx, call: CallRequest, limits: Limits): number {
  if (ctx.options.tokenAccounting === 'after') return 1;
  return reservedTokens(call.shape, smallest(limits.tpm, limits.modelTpm));
}

/** Tokens counted once the usage is known: completion tokens, or the reservation's error. */
export function settlementTokens(ctx: Ctx, answer: UpstreamAnswer, reserved: number): number {
  if (ctx.options.tokenAccounting === 'after') return answer.completionTokens;
  return answer.promptTokens + answer.completionTokens - reserved;
}

/** The limits a caller is held to for this model now (none for the master key). */
export function limitsFor(ctx: Ctx, caller: Caller, model: string, now: number): Limits {
  if (caller.kind !== 'key') return NO_LIMITS;
  const tier = ctx.state.tierFor(caller.key, now, ctx.options.tierCacheMs);
  return effectiveLimits(caller.key, tier, model, ctx.options.precedence);
}
