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

async function tier(id: string) {
  const client = gw.client();
  try {
    return (await client.getBudgets([id]))[0];
  } finally {
    await client.close();
  }
}

describe('apply makes the tiers a file names match it', () => {
  it('prints the plan and writes nothing with --dry-run', async () => {
    const file = await tierFile(['tiers:', '  - budget_id: dry', '    rpm_limit: 5']);

    const r = await gw.run(['apply', file, '--dry-run']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+ create dry\s+rpm_limit=5/);
    expect(r.stdout).toContain('Dry run: nothing was written.');
    expect(await tier('dry')).toBeUndefined();
  });

  it('creates the missing tiers, then a second run changes nothing', async () => {
    const file = await tierFile([
      'tiers:',
      '  - budget_id: gold',
      '    rpm_limit: 100',
      '    tpm_limit: 10000',
      '    max_budget: 25.5',
      '    budget_duration: 30d',
      '    model_max_budget:',
      '      fake-gpt: { rpm_limit: 10, max_budget: 1 }',
      '  - budget_id: free',
      '    rpm_limit: 0',
    ]);

    const first = await gw.run(['apply', file]);
    const second = await gw.run(['apply', file]);

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2 to create, 0 to update, 0 to delete, 0 unchanged');
    expect(await tier('gold')).toMatchObject({ rpm_limit: 100, tpm_limit: 10000,
      max_budget: 25.5, budget_duration: '30d' });
    // A limit of 0 is a limit (refuse every call), not "unset".
    expect(await tier('free')).toMatchObject({ rpm_limit: 0 });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 to create, 0 to update, 0 to delete, 2 unchanged');
    expect(second.stdout).toContain('Nothing to change.');
  });

  it('updates only the fields that differ, and leaves equal tiers alone', async () => {
    const before = ['tiers:', '  - budget_id: silver', '    rpm_limit: 10', '    tpm_limit: 500',
      '  - budget_id: bronze', '    rpm_limit: 1'];
    await gw.run(['apply', await tierFile(before)]);
    const untouched = await tier('bronze');

    const after = ['tiers:', '  - budget_id: silver', '    rpm_limit: 20', '    tpm_limit: 500',
      '  - budget_id: bronze', '    rpm_limit: 1'];
    const r = await gw.run(['apply', await tierFile(after)]);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/~ update silver\s+rpm_limit 10 → 20\n/);
    expect(r.stdout).toMatch(/= keep\s+bronze/);
    expect(await tier('silver')).toMatchObject({ rpm_limit: 20, tpm_limit: 500 });
    expect((await tier('bronze'))?.updated_at).toBe(untouched?.updated_at);
  });

  it('reports the result as one JSON document with --json', async () => {
    const file = await tierFile(['tiers:', '  - budget_id: json-tier', '    rpm_limit: 3']);

    const r = await gw.run(['apply', file, '--json']);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;

    expect(r.code).toBe(0);
    expect(doc).toMatchObject({
      ok: true,
      exitCode: 0,
      dryRun: false,
      plan: [{ action: 'create', budgetId: 'json-tier' }],
      outcomes: [{ action: 'create', budgetId: 'json-tier', ok: true }],
    });
  });

  it('exits 2 and sends nothing when no gateway is named', async () => {
    const file = await tierFile(['tiers:', '  - budget_id: nowhere']);
    const { main } = await import('../../src/cli/program');
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) },
      env: {} };

    expect(await main(['apply', file], io)).toBe(2);
    expect(stderr).toContain('no gateway: pass --base-url or set LITELLM_BASE_URL');
  });
});
