import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { smallestTpm, tierLimits } from '../../src/limiter/limits';

const here = path.dirname(fileURLToPath(import.meta.url));
const wireDir = path.resolve(here, '../../../shared/litellm/wire');
const wire = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(wireDir, name), 'utf8')) as Record<string, unknown>;

describe('tierLimits', () => {
  it('reads a recorded tier row and its per-model limits', () => {
    const generated = (wire('key-generate-with-key-limits.ok.json').response as {
      body: Record<string, unknown>;
    }).body;
    const limits = tierLimits(generated['litellm_budget_table'], generated);
    expect(limits).toEqual({
      rpm: 3, // the key's own 3 is stricter than the tier's 40
      tpm: 2000,
      parallel: 2,
      maxBudget: 10,
      softBudget: 8,
      budgetResetAt: Date.parse('2027-01-02T16:00:32.264Z'),
      models: { 'fake-gpt': { rpm: 10, tpm: 500, maxBudget: 5 } },
    });
  });

  it('treats null and absent fields as unlimited', () => {
    expect(tierLimits(null)).toEqual({
      rpm: null,
      tpm: null,
      parallel: null,
      maxBudget: null,
      softBudget: null,
      budgetResetAt: null,
      models: {},
    });
    expect(tierLimits({ rpm_limit: null }, {}).rpm).toBeNull();
  });

  it('keeps 0 as a real limit rather than treating it as unset', () => {
    const limits = tierLimits({ rpm_limit: 0, max_budget: 0 }, { rpm_limit: 5 });
    expect(limits.rpm).toBe(0);
    expect(limits.maxBudget).toBe(0);
  });

  it('reads numeric strings as numbers (BigInt columns come back as strings)', () => {
    const limits = tierLimits({ rpm_limit: '7', tpm_limit: '1000', max_budget: '2.5' });
    expect(limits).toMatchObject({ rpm: 7, tpm: 1000, maxBudget: 2.5 });
  });

  it('combines the tier and the key as the stricter of the two, field by field', () => {
    const limits = tierLimits(
      { rpm_limit: 10, tpm_limit: 100, max_parallel_requests: null },
      { rpm_limit: 20, tpm_limit: 50, max_parallel_requests: 4 },
    );
    expect(limits).toMatchObject({ rpm: 10, tpm: 50, parallel: 4 });
  });

  it("merges the key's model_rpm_limit, model_tpm_limit and model_max_budget", () => {
    const limits = tierLimits(
      { model_max_budget: { a: { rpm_limit: 5, max_budget: 1 } } },
      { model_rpm_limit: { a: 2, b: 9 }, model_tpm_limit: { b: 300 }, model_max_budget: { c: 3 } },
    );
    expect(limits.models).toEqual({
      a: { rpm: 2, tpm: null, maxBudget: 1 },
      b: { rpm: 9, tpm: 300, maxBudget: null },
      c: { rpm: null, tpm: null, maxBudget: 3 },
    });
  });

  it('takes the earlier budget reset of the tier and the key', () => {
    const limits = tierLimits(
      { budget_reset_at: '2030-01-02T00:00:00Z' },
      { budget_reset_at: '2030-01-01T00:00:00+00:00' },
    );
    expect(limits.budgetResetAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
  });

  it('throws a TypeError naming the field and echoing a negative value', () => {
    expect(() => tierLimits({ rpm_limit: -1 })).toThrow(
      new TypeError('tier.rpm_limit must be a non-negative number or null, got -1 (number)'),
    );
  });

  it('throws a TypeError naming the field and echoing a non-numeric value', () => {
    expect(() => tierLimits({}, { tpm_limit: 'abc' })).toThrow(
      'key.tpm_limit must be a non-negative number or null, got "abc" (string)',
    );
    expect(() => tierLimits({ model_max_budget: { m: { rpm_limit: 'x' } } })).toThrow(
      'tier.model_max_budget.m.rpm_limit',
    );
    expect(() => tierLimits({ budget_reset_at: 'soon' })).toThrow('tier.budget_reset_at');
  });

  it('finds the smallest tpm that applies to a model', () => {
    const limits = tierLimits({ tpm_limit: 800, model_max_budget: { m: { tpm_limit: 300 } } });
    expect(smallestTpm(limits, 'm')).toBe(300);
    expect(smallestTpm(limits, 'other')).toBe(800);
    expect(smallestTpm(tierLimits(null))).toBeNull();
  });
});
