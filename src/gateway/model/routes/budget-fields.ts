import { parseDuration } from '../duration';
import type { ValidationIssue } from '../errors';
import type { ModelBudget, Tier } from '../state';
import { coerceFields, isObject, type Body, type Schema } from '../validate';

/** The fields of a BudgetNewRequest, coerced like the proxy's pydantic model. */

export const BUDGET_SCHEMA: Schema = {
  budget_id: 'str',
  max_budget: 'float',
  soft_budget: 'float',
  max_parallel_requests: 'int',
  tpm_limit: 'int',
  rpm_limit: 'int',
  budget_duration: 'str',
  budget_reset_at: 'str',
  model_max_budget: 'dict',
};

const MODEL_BUDGET_SCHEMA: Schema = {
  max_budget: 'float',
  budget_duration: 'str',
  tpm_limit: 'int',
  rpm_limit: 'int',
};

function coerceModelBudgets(map: Body, issues: ValidationIssue[]): Record<string, ModelBudget> {
  const out: Record<string, ModelBudget> = {};
  for (const [model, entry] of Object.entries(map)) {
    const loc = ['body', 'model_max_budget', model];
    if (!isObject(entry)) {
      issues.push({
        type: 'dict_type',
        loc,
        msg: 'Input should be a valid dictionary',
        input: entry,
      });
      continue;
    }
    const { value, issues: inner } = coerceFields(entry, MODEL_BUDGET_SCHEMA, loc);
    issues.push(...inner);
    out[model] = {
      rpm_limit: (value.rpm_limit as number | undefined) ?? null,
      tpm_limit: (value.tpm_limit as number | undefined) ?? null,
      max_budget: (value.max_budget as number | undefined) ?? null,
      budget_duration: (value.budget_duration as string | undefined) ?? null,
    };
  }
  return out;
}

/** Coerces a budget body; `model_max_budget` entries are checked field by field. */
export function coerceBudget(body: Body): { value: Body; issues: ValidationIssue[] } {
  const { value, issues } = coerceFields(body, BUDGET_SCHEMA);
  if (isObject(value.model_max_budget)) {
    value.model_max_budget = coerceModelBudgets(value.model_max_budget, issues);
  }
  return { value, issues };
}

/** Whether the durations of a budget body parse (the proxy fails with a plain 500 if not). */
export function durationsParse(value: Body): boolean {
  const durations = [value.budget_duration];
  const models = value.model_max_budget as Record<string, ModelBudget> | null | undefined;
  for (const entry of Object.values(models ?? {})) durations.push(entry.budget_duration);
  return durations.every((d) => typeof d !== 'string' || parseDuration(d) !== undefined);
}

/** The next reset of a tier with a duration: now plus the duration. */
export function resetAt(duration: string | null, now: number): number | null {
  if (duration === null) return null;
  const ms = parseDuration(duration);
  return ms === undefined ? null : now + ms;
}

const TIER_FIELDS = [
  'max_budget',
  'soft_budget',
  'max_parallel_requests',
  'tpm_limit',
  'rpm_limit',
  'model_max_budget',
  'budget_duration',
] as const;

/**
 * Copies the fields a body sets onto a tier. `/budget/new` drops nulls (the proxy dumps its
 * model with `exclude_none`); `/budget/update` writes every field the body names, so an
 * explicit `null` clears it (`exclude_unset`).
 */
export function applyBudgetFields(tier: Tier, value: Body, nullClears = false): void {
  const target = tier as unknown as Record<string, unknown>;
  for (const field of TIER_FIELDS) {
    if (!(field in value) || value[field] === undefined) continue;
    if (value[field] !== null || nullClears) target[field] = value[field];
  }
}
