import { describe, expect, it } from 'vitest';
import { useTwoTiers } from './two-tiers-fixture';

const { gw, statusDoc, keysOn } = useTwoTiers();

describe('status', () => {
  it("shows each tier's limits and how many keys it holds", async () => {
    const r = await gw.run(['status']);

    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]?.split(/\s{2,}/)).toEqual(
      ['TIER', 'RPM', 'TPM', 'PARALLEL', 'MAX $', 'SOFT $', 'RESET', 'MODELS', 'KEYS']);
    expect(r.stdout).toMatch(/\nbasic\s+10\s+-\s+-\s+-\s+-\s+-\s+-\s+5\n/);
    expect(r.stdout).toMatch(/\npro\s+1000\s+100000\s+-\s+-\s+-\s+-\s+-\s+2\n/);
  });

  it('gives the same as one JSON document with --json', async () => {
    const doc = await statusDoc();

    expect(doc.tiers).toEqual(expect.arrayContaining([
      expect.objectContaining({ budget_id: 'basic', rpm_limit: 10, keys: 5 }),
      expect.objectContaining({ budget_id: 'pro', rpm_limit: 1000, keys: 2 }),
    ]));
    expect(doc.untiered).toBe(0);
  });
});
