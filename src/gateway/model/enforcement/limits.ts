import type { Tier, VirtualKey } from '../state';

/** The limits one call is held to, after tier and key are combined. `null` = no limit. */
export interface Limits {
  rpm: number | null;
  tpm: number | null;
  maxBudget: number | null;
  /** Only the key's own value: a tier's `max_parallel_requests` is not applied to keys. */
  maxParallel: number | null;
  modelRpm: number | null;
  modelTpm: number | null;
  modelBudget: number | null;
}

export const NO_LIMITS: Limits = {
  rpm: null,
  tpm: null,
  maxBudget: null,
  maxParallel: null,
  modelRpm: null,
  modelTpm: null,
  modelBudget: null,
};

type Precedence = 'tier' | 'key';

function pick(precedence: Precedence, tierValue: unknown, keyValue: unknown): number | null {
  const tier = typeof tierValue === 'number' ? tierValue : null;
  const key = typeof keyValue === 'number' ? keyValue : null;
  return precedence === 'tier' ? (tier ?? key) : (key ?? tier);
}

function keyModelBudget(key: VirtualKey, model: string): unknown {
  const entry = key.model_max_budget[model];
  if (typeof entry !== 'object' || entry === null) return null;
  return (entry as Record<string, unknown>).budget_limit ?? null;
}

/**
 * Combines a key with its tier. 1.80.7 lets the tier's rpm, tpm and budget override the
 * key's own (`'tier'`); newer proxies let the key win and the tier fill gaps (`'key'`).
 */
export function effectiveLimits(
  key: VirtualKey,
  tier: Tier | null,
  model: string,
  precedence: Precedence,
): Limits {
  const tierModel = tier?.model_max_budget?.[model];
  return {
    rpm: pick(precedence, tier?.rpm_limit, key.rpm_limit),
    tpm: pick(precedence, tier?.tpm_limit, key.tpm_limit),
    maxBudget: pick(precedence, tier?.max_budget, key.max_budget),
    maxParallel: key.max_parallel_requests,
    modelRpm: pick(precedence, tierModel?.rpm_limit, key.model_rpm_limit?.[model]),
    modelTpm: pick(precedence, tierModel?.tpm_limit, key.model_tpm_limit?.[model]),
    modelBudget: pick(precedence, tierModel?.max_budget, keyModelBudget(key, model)),
  };
}
