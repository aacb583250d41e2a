import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keysCreate } from '../../src/cli/keys-create';
import { captureIo, readKeyLines, useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

beforeAll(async () => {
  const file = join(await tempDir(), 'tiers.yaml');
  await writeFile(file, 'tiers:\n  - budget_id: opts\n');
  expect((await gw.run(['apply', file])).code).toBe(0);
});

describe('keys create options', () => {
  it('stores --models and --metadata on every key', async () => {
    const out = join(await tempDir(), 'keys.jsonl');

    const r = await gw.run(['keys', 'create', '--tier', 'opts', '--count', '2', '--out', out,
      '--models', 'fake-gpt, other', '--metadata', '{"team":"search"}', '--alias-prefix', 'mm']);
    const client = gw.client();
    const rows = await Promise.all((await readKeyLines(out)).map(
      async (line) => (await client.getKeyInfo(line['token'])).info));

    expect(r.code).toBe(0);
    for (const row of rows) {
      expect(row.models).toEqual(['fake-gpt', 'other']);
      expect(row.metadata).toEqual({ team: 'search' });
      expect(row.budget_id).toBe('opts');
    }
  });

  it('refuses bad --count, --concurrency and --metadata with exit 2', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    const base = ['keys', 'create', '--tier', 'opts', '--out', out];

    const zero = await gw.run([...base, '--count', '0']);
    const wide = await gw.run([...base, '--count', '1', '--concurrency', '999']);
    const meta = await gw.run([...base, '--count', '1', '--metadata', '[1,2]']);
    const prefix = await gw.run([...base, '--count', '1', '--alias-prefix', 'a b']);

    expect([zero.code, wide.code, meta.code, prefix.code]).toEqual([2, 2, 2, 2]);
    expect(zero.stderr).toContain('expected a whole number from 1 to 1000000, got "0"');
    expect(wide.stderr).toContain('expected a whole number from 1 to 256, got "999"');
    expect(meta.stderr).toContain('expected a JSON object');
    expect(prefix.stderr).toContain('--alias-prefix must be letters, digits');
  });

  it('runs in-process as a function of (args, io), with plain progress lines off a terminal',
    async () => {
      const out = join(await tempDir(), 'keys.jsonl');
      const { io, out: stdout, err } = captureIo(gw.env());

      const code = await keysCreate({ tier: 'opts', count: 20, out, aliasPrefix: 'fn' }, io);

      expect(code).toBe(0);
      expect(stdout()).toContain('20 of 20 keys for tier opts are in');
      expect(err()).toMatch(/keys opts: 20\/20 \(\d+\/s, ETA 0s\)\n/);
      expect(err()).not.toMatch(/\u001b\[/);
    });
});
