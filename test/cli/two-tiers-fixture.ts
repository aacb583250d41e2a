import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect } from 'vitest';
import { useGateway, useTempDir } from './harness';

export interface StatusDoc {
  tiers: Array<{ budget_id: string; rpm_limit: number | null; keys: number }>;
  untiered: number;
}

/** A gateway with tiers `basic` (5 keys) and `pro` (2 keys), made through the CLI itself. */
export function useTwoTiers() {
  const gw = useGateway();
  const tempDir = useTempDir();

  beforeAll(async () => {
    const file = join(await tempDir(), 'tiers.yaml');
    await writeFile(file, [
      'tiers:',
      '  - budget_id: basic',
      '    rpm_limit: 10',
      '  - budget_id: pro',
      '    rpm_limit: 1000',
      '    tpm_limit: 100000',
    ].join('\n'));
    expect((await gw.run(['apply', file])).code).toBe(0);
    const out = join(await tempDir(), 'keys.jsonl');
    for (const [tier, count] of [['basic', '5'], ['pro', '2']] as const) {
      const made = await gw.run(['keys', 'create', '--tier', tier, '--count', count, '--out', out]);
      expect(made.code).toBe(0);
    }
  });

  async function statusDoc(): Promise<StatusDoc> {
    const r = await gw.run(['status', '--json']);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as StatusDoc;
  }

  const keysOn = (doc: StatusDoc, tier: string) =>
    doc.tiers.find((t) => t.budget_id === tier)?.keys;

  return { gw, statusDoc, keysOn };
}
