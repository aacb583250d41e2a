import type { BudgetNewRequest, ModelBudget } from '../index';

/** Checks one field's value; returns what is wrong with it, or undefined when it is fine. */
export type FieldRule = (value: unknown) => string | undefined;

// The proxy parses durations as a number and a unit (seconds to months); anything else
// makes /budget/new answer a bare 500, so it is caught here instead.
const DURATION = /^[1-9]\d*(s|m|h|d|w|mo)$/;

const show = (value: unknown): string => `${JSON.stringify(value)} (${kindOf(value)})`;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'list' : typeof value;
}

const usd: FieldRule = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? undefined
    : `must be a number of USD ≥ 0, got ${show(value)}`;

const count: FieldRule = (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? undefined
    : `must be a whole number ≥ 0, got ${show(value)}`;

const duration: FieldRule = (value) =>
  typeof value === 'string' && DURATION.test(value)
    ? undefined
    : `must be a duration such as "30s", "15m", "1h", "1d", "1w" or "1mo", got ${show(value)}`;

const dateTime: FieldRule = (value) =>
  typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))
    ? undefined
    : `must be an ISO 8601 date-time such as "2030-01-01T00:00:00Z", got ${show(value)}`;

const tierId: FieldRule = (value) =>
  typeof value === 'string' && value.trim() !== ''
    ? undefined
    : `must be a non-empty string (quote ids that look like numbers), got ${show(value)}`;

const modelMap: FieldRule = (value) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : `must be a map of model name to limits, got ${show(value)}`;

/** One rule per BudgetNewRequest field: the type check keeps this list equal to the spec's. */
export const TIER_RULES = {
  budget_id: tierId,
  max_budget: usd,
  soft_budget: usd,
  max_parallel_requests: count,
  tpm_limit: count,
  rpm_limit: count,
  budget_duration: duration,
  budget_reset_at: dateTime,
  model_max_budget: modelMap,
} satisfies Record<keyof BudgetNewRequest, FieldRule>;

/** One rule per field of a model's limits inside `model_max_budget`. */
export const MODEL_RULES = {
  max_budget: usd,
  budget_duration: duration,
  tpm_limit: count,
  rpm_limit: count,
} satisfies Record<keyof ModelBudget, FieldRule>;

export type TierField = keyof typeof TIER_RULES;
export const TIER_FIELDS = Object.keys(TIER_RULES) as TierField[];
