import { appendFile, chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyHash } from '../../src/client/idempotency';
import { readKeyLines, useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

beforeAll(async () => {
  const file = join(await tempDir(), 'tiers.yaml');
  await writeFile(file, 'tiers:\n  - budget_id: filed\n');
  expect((await gw.run(['apply', file])).code).toBe(0);
});

const create = (out: string, ...more: string[]) =>
  gw.run(['keys', 'create', '--tier', 'filed', '--count', '3', '--out', out, ...more]);

describe('keys create and its keys file', () => {
  it('creates the file with mode 0600, one JSON line per key with its hash', async () => {
    const out = join(await tempDir(), 'keys.jsonl');

    const r = await create(out, '--alias-prefix', 'm');
    const lines = await readKeyLines(out);

    expect(r.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(lines.map((l) => l['key_alias']).sort()).toEqual(
      ['m-filed-00001', 'm-filed-00002', 'm-filed-00003']);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['budget_id', 'key', 'key_alias', 'token']);
      expect(line['budget_id']).toBe('filed');
      expect(line['token']).toBe(await keyHash(line['key'] as string));
    }
  });

  it('never prints a key unless --show-keys is given', async () => {
    const out = join(await tempDir(), 'keys.jsonl');

    const quiet = await create(out, '--alias-prefix', 'q');
    const json = await create(out, '--alias-prefix', 'q', '--json');
    const shown = await create(out, '--alias-prefix', 'q', '--show-keys');
    const secrets = (await readKeyLines(out)).map((l) => l['key'] as string);

    for (const secret of secrets) {
      expect(quiet.stdout + quiet.stderr).not.toContain(secret);
      expect(json.stdout + json.stderr).not.toContain(secret);
      expect(shown.stdout).toContain(secret);
    }
    expect(shown.stdout).toMatch(/q-filed-00001\tsk-/);
  });

  it('refuses to write into a file others can read, sending nothing', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    await writeFile(out, '');
    await chmod(out, 0o644);
    const probe = gw.gateway.inject({ match: { path: '/key/generate' },
      fault: { kind: 'status', status: 500 }, times: 100 });

    const r = await create(out, '--alias-prefix', 'w');
    probe.remove();

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to write keys to ${out}: its mode is 644`);
    expect(probe.hits).toBe(0);
  });

  it('refuses a second run on the same file while the first holds it', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    await writeFile(`${out}.lock`, `${process.pid}\n`);

    const r = await create(out, '--alias-prefix', 'l');

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is being written by another run (pid ${process.pid})`);
  });

  it('drops a last line cut short by a crash and carries on', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    await create(out, '--alias-prefix', 't');
    await appendFile(out, '{"key":"sk-half-writ');

    const r = await gw.run(['keys', 'create', '--tier', 'filed', '--count', '4', '--out', out,
      '--alias-prefix', 't']);

    expect(r.code).toBe(0);
    expect((await readKeyLines(out)).map((l) => l['key_alias']).sort()).toEqual(
      ['t-filed-00001', 't-filed-00002', 't-filed-00003', 't-filed-00004']);
  });

  it('refuses an alias the gateway holds under a key whose secret it does not have', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    const client = gw.client();
    await client.generateKey({ key_alias: 'o-filed-00002', budget_id: 'filed' });
    await client.close();

    const r = await create(out, '--alias-prefix', 'o');

    expect(r.code).toBe(3);
    expect(r.stderr).toContain('alias o-filed-00002 already exists on the gateway with a key ' +
      `that is not in ${out}`);
    expect((await readKeyLines(out)).map((l) => l['key_alias']).sort()).toEqual(
      ['o-filed-00001', 'o-filed-00003']);
  });

  it('exits 2 for an unknown tier before creating the file', async () => {
    const out = join(await tempDir(), 'keys.jsonl');

    const r = await gw.run(['keys', 'create', '--tier', 'nope', '--count', '1', '--out', out]);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no tier "nope" on the gateway');
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });
});
