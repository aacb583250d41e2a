import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

interface StatusDoc {
  tiers: Array<{ budget_id: string; rpm_limit: number | null; keys: number }>;
  untiered: number;
}

async function statusDoc(): Promise<StatusDoc> {
  const r = await gw.run(['status', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as StatusDoc;
}

const keysOn = (doc: StatusDoc, tier: string) => doc.tiers.find((t) => t.budget_id === tier)?.keys;

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
  expect((await gw.run(['keys', 'create', '--tier', 'basic', '--count', '5', '--out', out])).code)
    .toBe(0);
  expect((await gw.run(['keys', 'create', '--tier', 'pro', '--count', '2', '--out', out])).code)
    .toBe(0);
});

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
