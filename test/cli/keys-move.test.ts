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

describe('keys move', () => {
  it('counts the keys and changes nothing with --dry-run', async () => {
    const r = await gw.run(['keys', 'move', '--from', 'basic', '--to', 'pro', '--dry-run']);

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 keys on basic would move to pro (dry run).');
    expect(keysOn(await statusDoc(), 'basic')).toBe(5);
  });

  it('re-tiers every key of one tier to another', async () => {
    const r = await gw.run(['keys', 'move', '--from', 'basic', '--to', 'pro', '--json']);
    const doc = await statusDoc();

    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, found: 5, moved: 5, failed: [] });
    expect(keysOn(doc, 'basic')).toBe(0);
    expect(keysOn(doc, 'pro')).toBe(7);
  });

  it('refuses a target tier that does not exist, and the same tier twice', async () => {
    const missing = await gw.run(['keys', 'move', '--from', 'pro', '--to', 'nowhere']);
    const same = await gw.run(['keys', 'move', '--from', 'pro', '--to', 'pro']);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no tier "nowhere" on the gateway to move keys to');
    expect(same.code).toBe(2);
    expect(keysOn(await statusDoc(), 'pro')).toBe(7);
  });
});
