import type { ModelLimits, TierLimits } from './limits';
import { readAmount, readCount, readInstant } from './numbers';

/**
 * A checked deep copy of limits handed to the limiter, so that later changes by the caller
 * cannot reach it. Numeric strings become numbers.
 * @throws TypeError naming the field and echoing the value.
 */
export function ownLimits(limits: TierLimits): TierLimits {
  if (typeof limits !== 'object' || limits === null) {
    throw new TypeError(`limits must be a TierLimits object, got ${String(limits)}`);
  }
  const models: Record<string, ModelLimits> = {};
  for (const [model, own] of Object.entries(limits.models ?? {})) {
    const field = `limits.models.${model}`;
    models[model] = {
      rpm: readCount(own?.rpm, `${field}.rpm`),
      tpm: readCount(own?.tpm, `${field}.tpm`),
      maxBudget: readAmount(own?.maxBudget, `${field}.maxBudget`),
    };
  }
  return {
    rpm: readCount(limits.rpm, 'limits.rpm'),
    tpm: readCount(limits.tpm, 'limits.tpm'),
    parallel: readCount(limits.parallel, 'limits.parallel'),
    maxBudget: readAmount(limits.maxBudget, 'limits.maxBudget'),
    softBudget: readAmount(limits.softBudget, 'limits.softBudget'),
    budgetResetAt: readInstant(limits.budgetResetAt, 'limits.budgetResetAt'),
    models,
  };
}

/** A plain deep copy for callers (state()). */
export function copyLimits(limits: TierLimits): TierLimits {
  const models: Record<string, ModelLimits> = {};
  for (const [model, own] of Object.entries(limits.models)) models[model] = { ...own };
  return { ...limits, models };
}
