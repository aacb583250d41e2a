import { describe, expect, it } from 'vitest';
import type { BudgetRow } from '../../src/index';
import { diffTier, planTiers, updateBody } from '../../src/cli/plan';

function row(fields: Partial<BudgetRow> & { budget_id: string }): BudgetRow {
  return {
    max_budget: null, soft_budget: null, max_parallel_requests: null, tpm_limit: null,
    rpm_limit: null, model_max_budget: null, budget_duration: null, budget_reset_at: null,
    created_at: '2030-01-01T00:00:00Z', created_by: null, updated_at: '2030-01-01T00:00:00Z',
    updated_by: null, ...fields,
  };
}

describe('the plan', () => {
  it('treats a limit the gateway returns as a decimal string as equal', () => {
    expect(diffTier({ budget_id: 'a', rpm_limit: 10, tpm_limit: 500 },
      row({ budget_id: 'a', rpm_limit: '10', tpm_limit: '500' }))).toEqual([]);
  });

  it('treats an empty model map, null model limits and key order as no difference', () => {
    const declared = { budget_id: 'a', model_max_budget: { m: { rpm_limit: 1, max_budget: 2 } } };
    const stored = row({ budget_id: 'a', model_max_budget: {
      m: { max_budget: 2, rpm_limit: 1, tpm_limit: null, budget_duration: null } } });

    expect(diffTier(declared, stored)).toEqual([]);
    expect(diffTier({ budget_id: 'b' }, row({ budget_id: 'b', model_max_budget: {} }))).toEqual([]);
  });

  it('does not manage the reset time the gateway computes, unless the file sets one', () => {
    const stored = row({ budget_id: 'a', budget_duration: '1d',
      budget_reset_at: '2030-01-02T00:00:00Z' });

    expect(diffTier({ budget_id: 'a', budget_duration: '1d' }, stored)).toEqual([]);
    expect(diffTier({ budget_id: 'a', budget_duration: '1d',
      budget_reset_at: '2030-01-03T00:00:00Z' }, stored)).toHaveLength(1);
  });

  it('keeps 0 apart from unset', () => {
    const changes = diffTier({ budget_id: 'a', rpm_limit: 0 }, row({ budget_id: 'a' }));

    expect(changes).toEqual([{ field: 'rpm_limit', from: null, to: 0 }]);
    expect(updateBody('a', changes)).toEqual({ budget_id: 'a', rpm_limit: 0 });
  });

  it('sends null for each field to clear', () => {
    const changes = diffTier({ budget_id: 'a' }, row({ budget_id: 'a', max_budget: 5 }));

    expect(updateBody('a', changes)).toEqual({ budget_id: 'a', max_budget: null });
  });

  it('lists tiers to delete only with prune, after the declared ones, sorted', () => {
    const rows = [row({ budget_id: 'z' }), row({ budget_id: 'a' }), row({ budget_id: 'k' })];

    expect(planTiers([{ budget_id: 'k' }], rows, false).map((s) => s.action)).toEqual(['keep']);
    expect(planTiers([{ budget_id: 'k' }, { budget_id: 'n' }], rows, true)
      .map((s) => `${s.action} ${s.budgetId}`))
      .toEqual(['keep k', 'create n', 'delete a', 'delete z']);
  });
});
