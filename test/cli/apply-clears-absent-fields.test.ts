import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

async function tierFile(lines: string[]): Promise<string> {
  const file = join(await tempDir(), 'tiers.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('apply clears a field the file no longer declares', () => {
  it('plans the field as cleared and sends null for it', async () => {
    await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: clear-me',
      '    rpm_limit: 10', '    tpm_limit: 500'])]);

    const r = await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: clear-me',
      '    rpm_limit: 10']), '--json']);
    const doc = JSON.parse(r.stdout) as { plan: unknown[] };

    expect(doc.plan).toEqual([{ action: 'update', budgetId: 'clear-me',
      changes: [{ field: 'tpm_limit', from: 500, to: null }],
      tier: { budget_id: 'clear-me', rpm_limit: 10 } }]);
  });

  it('leaves the gateway matching the file, so the next run is a no-op', async () => {
    await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: cleared',
      '    rpm_limit: 10', '    max_budget: 5'])]);
    const file = await tierFile(['tiers:', '  - budget_id: cleared', '    rpm_limit: 10']);

    const first = await gw.run(['apply', file]);
    const second = await gw.run(['apply', file]);

    expect(first.stdout).toMatch(/~ update cleared\s+max_budget 5 → \(cleared\)/);
    expect(first.code).toBe(0);
    expect(second.stdout).toContain('Nothing to change.');
  });
});
