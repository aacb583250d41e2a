import type { BudgetNewRequest, BudgetRow, BudgetUpdateRequest } from '../index';
import { TIER_FIELDS, type TierField } from './tier-rules';

/** One field that differs: `to: null` clears it on the gateway. */
export interface FieldChange {
  field: TierField;
  from: unknown;
  to: unknown;
}

export type PlanStep =
  | { action: 'create'; budgetId: string; tier: BudgetNewRequest & { budget_id: string } }
  | {
      action: 'update';
      budgetId: string;
      changes: FieldChange[];
      tier: BudgetNewRequest & { budget_id: string };
    }
  | { action: 'keep'; budgetId: string }
  | { action: 'delete'; budgetId: string; keys?: number | undefined; refused?: boolean };

/**
 * What it takes to make the gateway match the file for the tiers the file names: create
 * the missing, update the different (a field absent from the file is cleared), keep the
 * equal. With `prune`, tiers the file does not name are deleted.
 */
export function planTiers(
  declared: ReadonlyArray<BudgetNewRequest & { budget_id: string }>,
  rows: readonly BudgetRow[],
  prune: boolean,
): PlanStep[] {
  const stored = new Map(rows.map((row) => [row.budget_id, row]));
  const steps: PlanStep[] = declared.map((tier) => {
    const row = stored.get(tier.budget_id);
    if (!row) return { action: 'create', budgetId: tier.budget_id, tier };
    const changes = diffTier(tier, row);
    return changes.length
      ? { action: 'update', budgetId: tier.budget_id, changes, tier }
      : { action: 'keep', budgetId: tier.budget_id };
  });
  if (!prune) return steps;

  const named = new Set(declared.map((t) => t.budget_id));
  const extra = rows.map((r) => r.budget_id).filter((id) => !named.has(id)).sort();
  return [...steps, ...extra.map((budgetId) => ({ action: 'delete' as const, budgetId }))];
}

/** The fields whose stored value differs from the declared one (absent means null). */
export function diffTier(tier: BudgetNewRequest, row: BudgetRow): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TIER_FIELDS) {
    if (field === 'budget_id') continue;
    // The gateway computes the next reset from the duration; only a declared one is managed.
    if (field === 'budget_reset_at' && tier.budget_reset_at == null) continue;
    const to = normalise(field, tier[field]);
    const from = normalise(field, (row as Record<string, unknown>)[field]);
    if (canonical(to) !== canonical(from)) changes.push({ field, from, to });
  }
  return changes;
}

/** The `/budget/update` body for an update step: only the changed fields, cleared as null. */
export function updateBody(budgetId: string, changes: readonly FieldChange[]): BudgetUpdateRequest {
  const body: Record<string, unknown> = { budget_id: budgetId };
  for (const { field, to } of changes) body[field] = to;
  return body as BudgetUpdateRequest;
}

/** One spelling per value, whatever shape the gateway stored it in. */
function normalise(field: TierField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field === 'model_max_budget') return normaliseModels(value);
  if (field === 'budget_reset_at') return normaliseDate(value);
  // BigInt columns come back as decimal strings on some paths.
  if (typeof value === 'string' && field !== 'budget_duration' && /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  return value;
}

function normaliseModels(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const models = Object.entries(value as Record<string, unknown>).map(([model, limits]) => {
    const kept = Object.entries((limits ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v]);
    return [model, Object.fromEntries(kept)];
  });
  // An empty map and no map limit nothing alike.
  return models.length ? Object.fromEntries(models) : null;
}

function normaliseDate(value: unknown): unknown {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

/** JSON with sorted keys, so that key order never counts as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
