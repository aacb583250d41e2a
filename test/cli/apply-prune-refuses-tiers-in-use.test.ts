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

async function tierIds(): Promise<string[]> {
  const client = gw.client();
  try {
    return (await client.listBudgets()).map((row) => row.budget_id).sort();
  } finally {
    await client.close();
  }
}

describe('apply --prune', () => {
  it('leaves tiers the file does not name alone without --prune', async () => {
    await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: keep-a',
      '  - budget_id: keep-b'])]);

    const r = await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: keep-a'])]);

    expect(r.code).toBe(0);
    expect(await tierIds()).toEqual(expect.arrayContaining(['keep-a', 'keep-b']));
  });

  it('deletes an unused tier the file does not name', async () => {
    await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: p-stay',
      '  - budget_id: p-old'])]);

    const r = await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: p-stay',
      '  - budget_id: keep-a', '  - budget_id: keep-b']), '--prune']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- delete p-old\s+0 keys/);
    expect(await tierIds()).toEqual(['keep-a', 'keep-b', 'p-stay']);
  });

  it('refuses to delete a tier keys still use, changing nothing, and exits 2', async () => {
    const file = await tierFile(['tiers:', '  - budget_id: used', '  - budget_id: new-one']);
    await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: used',
      '  - budget_id: in-use'])]);
    const out = join(await tempDir(), 'keys.jsonl');
    await gw.run(['keys', 'create', '--tier', 'in-use', '--count', '2', '--out', out]);

    const r = await gw.run(['apply', file, '--prune']);

    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/- delete in-use\s+2 keys: REFUSED/);
    expect(r.stderr).toContain('--prune would delete "in-use", which keys still use');
    expect(await tierIds()).toContain('in-use');
    expect(await tierIds()).not.toContain('new-one');
  });

  it('deletes a tier in use with --force, and its keys lose their tier', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    await gw.run(['keys', 'create', '--tier', 'p-stay', '--count', '1', '--out', out]);

    const r = await gw.run(['apply', await tierFile(['tiers:', '  - budget_id: used',
      '  - budget_id: keep-a', '  - budget_id: keep-b', '  - budget_id: in-use']),
    '--prune', '--force']);
    const status = JSON.parse((await gw.run(['status', '--json'])).stdout) as {
      untiered: number;
    };

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- delete p-stay\s+1 key, which loses its tier/);
    expect(await tierIds()).toEqual(['in-use', 'keep-a', 'keep-b', 'used']);
    expect(status.untiered).toBe(1);
  });
});
