import type { LimitName } from '../client/errors';
import { gatewayBudget, gatewayRateLimit } from './gateway-errors';
import type { Lane } from './lane';
import type { TierLimits } from './limits';
import { stricter } from './numbers';
import type { GatewayReport } from './report';

/**
 * Adopts what the gateway says it enforces (raise or lower) into `limits`; returns whether
 * anything changed. The tier's parallel cap is the client's to keep (the gateway does not
 * apply it to keys), so a reported key cap only ever tightens it.
 */
export function adoptReport(
  limits: TierLimits,
  report: GatewayReport,
  model: string | undefined,
): boolean {
  let changed = false;
  const adopt = <K extends string>(row: Record<K, number | null>, key: K, value: number | null) => {
    if (value === null || value === row[key]) return;
    row[key] = value;
    changed = true;
  };
  adopt(limits, 'rpm', report.rpmLimit);
  adopt(limits, 'tpm', report.tpmLimit);
  adopt(limits, 'maxBudget', report.maxBudget);
  adopt(limits, 'parallel', stricter(limits.parallel, report.parallelLimit));
  if (model !== undefined && (report.modelRpmLimit ?? report.modelTpmLimit) !== null) {
    const own = limits.models[model] ?? { rpm: null, tpm: null, maxBudget: null };
    adopt(own, 'rpm', report.modelRpmLimit);
    adopt(own, 'tpm', report.modelTpmLimit);
    limits.models[model] = own;
  }
  return changed;
}

const REMAINING: Partial<Record<LimitName, keyof GatewayReport>> = {
  requests: 'remainingRequests',
  tokens: 'remainingTokens',
  model_requests: 'modelRemainingRequests',
  model_tokens: 'modelRemainingTokens',
};

/** The gateway's remaining-* count that speaks of `lane`, or null. */
export function remainingFor(lane: Lane, report: GatewayReport): number | null {
  const field = REMAINING[lane.limitName];
  return field === undefined ? null : report[field];
}

/**
 * Use by other clients of the key that a remaining-* count reveals. The count, read when the
 * call arrived, caps what may still go until the gateway's window ends (no later than a window
 * from now), less what this process took since the call did (it may not be counted yet).
 * Whatever the lane shows free beyond that cap is someone else's.
 */
export function foreignUse(lane: Lane, remaining: number, takenAtCall: number): number {
  const since = lane.taken - takenAtCall;
  const cap = Math.max(0, remaining - since);
  return Math.max(0, lane.available() - cap);
}

export interface Pause {
  ms: number;
  limit: LimitName;
}

/** How long a gateway 429 asks every call to wait, or null for any other answer. */
export function pauseFrom(
  error: unknown,
  status: number | undefined,
  headers: Headers | null | undefined,
  windowMs: number,
): Pause | null {
  const limited = gatewayRateLimit(error);
  if (limited === null && status !== 429) return null;
  const seconds = Number(headers?.get('retry-after') ?? Number.NaN);
  const fallback = Number.isFinite(seconds) ? seconds * 1000 : windowMs;
  return { ms: limited?.retryAfterMs ?? fallback, limit: limited?.limit ?? 'requests' };
}

export interface SpentReport {
  /** The model whose own budget is spent; undefined for the key's budget. */
  model: string | undefined;
  spend: number | undefined;
  maxBudget: number | undefined;
}

/** What a gateway budget_exceeded answer says is spent, or null for any other answer. */
export function spentFrom(error: unknown, callModel: string | undefined): SpentReport | null {
  const spent = gatewayBudget(error);
  if (spent === null) return null;
  const model = spent.limit === 'model_budget' ? (spent.model ?? callModel) : undefined;
  return { model, spend: spent.spend, maxBudget: spent.maxBudget };
}
