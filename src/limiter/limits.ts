import { readAmount, readCount, readInstant, stricter } from './numbers';

/** Limits that apply to the calls for one model, on top of the key's. `null` = unlimited. */
export interface ModelLimits {
  /** Requests per window. */
  rpm: number | null;
  /** Tokens per window. */
  tpm: number | null;
  /** USD. */
  maxBudget: number | null;
}

/** What a key may do, as the limiter understands it. `null` = unlimited; `0` refuses all. */
export interface TierLimits {
  /** Requests per window. */
  rpm: number | null;
  /** Tokens per window. */
  tpm: number | null;
  /** Calls in flight at once. */
  parallel: number | null;
  /** USD. */
  maxBudget: number | null;
  /** USD; crossing it emits `budgetWarning` once. */
  softBudget: number | null;
  /** When the key's spend resets, epoch ms. */
  budgetResetAt: number | null;
  models: Record<string, ModelLimits>;
}

type Row = Record<string, unknown>;

function asRow(value: unknown, name: string): Row {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object or null, got ${JSON.stringify(value)}`);
  }
  return value as Row;
}

/** The stricter of the tier's and the key's value of one field. */
function both(tier: Row, key: Row, field: string, read = readCount): number | null {
  return stricter(read(tier[field], `tier.${field}`), read(key[field], `key.${field}`));
}

/**
 * Limits from a `litellm_budget_table` row (`tier`) and the key's own row fields (`key`).
 * Proxy versions disagree on which wins (1.80.7: the tier; newer: the key), so a client that
 * must never be refused starts from the stricter of the two.
 * @throws TypeError naming the field and echoing the value for negatives or non-numbers.
 */
export function tierLimits(tier: unknown, key?: unknown): TierLimits {
  const t = asRow(tier, 'tier');
  const k = asRow(key, 'key');
  return {
    rpm: both(t, k, 'rpm_limit'),
    tpm: both(t, k, 'tpm_limit'),
    parallel: both(t, k, 'max_parallel_requests'),
    maxBudget: both(t, k, 'max_budget', readAmount),
    softBudget: both(t, k, 'soft_budget', readAmount),
    // The earlier of the two reset instants.
    budgetResetAt: both(t, k, 'budget_reset_at', readInstant),
    models: modelLimits(t, k),
  };
}

function modelLimits(t: Row, k: Row): Record<string, ModelLimits> {
  const tierBudgets = asRow(t['model_max_budget'], 'tier.model_max_budget');
  const keyBudgets = asRow(k['model_max_budget'], 'key.model_max_budget');
  const keyRpm = asRow(k['model_rpm_limit'], 'key.model_rpm_limit');
  const keyTpm = asRow(k['model_tpm_limit'], 'key.model_tpm_limit');
  const models: Record<string, ModelLimits> = {};
  for (const model of new Set([tierBudgets, keyBudgets, keyRpm, keyTpm].flatMap(Object.keys))) {
    const tierEntry = budgetEntry(tierBudgets[model], `tier.model_max_budget.${model}`);
    const keyEntry = budgetEntry(keyBudgets[model], `key.model_max_budget.${model}`);
    const own = (rows: Row, field: string) => readCount(rows[model], `key.${field}.${model}`);
    models[model] = {
      rpm: stricter(stricter(tierEntry.rpm, keyEntry.rpm), own(keyRpm, 'model_rpm_limit')),
      tpm: stricter(stricter(tierEntry.tpm, keyEntry.tpm), own(keyTpm, 'model_tpm_limit')),
      maxBudget: stricter(tierEntry.maxBudget, keyEntry.maxBudget),
    };
  }
  return models;
}

/** One `model_max_budget` entry: a BudgetConfig object, or (older keys) a bare USD amount. */
function budgetEntry(value: unknown, field: string): ModelLimits {
  if (typeof value === 'number' || typeof value === 'string') {
    return { rpm: null, tpm: null, maxBudget: readAmount(value, field) };
  }
  const row = asRow(value, field);
  return {
    rpm: readCount(row['rpm_limit'], `${field}.rpm_limit`),
    tpm: readCount(row['tpm_limit'], `${field}.tpm_limit`),
    maxBudget: readAmount(row['max_budget'], `${field}.max_budget`),
  };
}

/** No limit at all: what a key without tier and own limits gets. */
export function unlimited(): TierLimits {
  return tierLimits(null);
}

/** The smallest tokens-per-window that applies to a call to `model`, for the estimate. */
export function smallestTpm(limits: TierLimits, model?: string): number | null {
  const own = model === undefined ? null : (limits.models[model]?.tpm ?? null);
  return stricter(limits.tpm, own);
}
