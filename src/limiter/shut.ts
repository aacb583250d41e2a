import type { BudgetBook } from './budget';
import type { TierLimits } from './limits';

/**
 * Everything that refuses every call right now: a key limit of 0, a spent budget, a model's
 * zero limit or spent budget. Comparing the set before and after new limits tells whether the
 * limiter just reopened, which the gateway may not know yet (it caches a key's tier for up to
 * a minute), so the first call after a reopening goes alone.
 */
export function shutDimensions(limits: TierLimits, budget: BudgetBook): Set<string> {
  const shut = new Set<string>();
  if (limits.rpm === 0) shut.add('rpm');
  if (limits.tpm === 0) shut.add('tpm');
  if (limits.parallel === 0) shut.add('parallel');
  if (budget.keyIsSpent(limits)) shut.add('budget');
  const models = new Set([...Object.keys(limits.models), ...budget.modelsMarkedSpent()]);
  for (const model of models) {
    const own = limits.models[model];
    if (own?.rpm === 0) shut.add(`model:${model}:rpm`);
    if (own?.tpm === 0) shut.add(`model:${model}:tpm`);
    if (budget.refusal(limits, model)?.limit === 'model_budget') shut.add(`model:${model}:budget`);
  }
  return shut;
}

/** Whether something in `before` no longer refuses. */
export function reopened(before: Set<string>, after: Set<string>): boolean {
  for (const dimension of before) if (!after.has(dimension)) return true;
  return false;
}
