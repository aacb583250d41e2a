import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyHash } from '../../src/client/idempotency';
import { main } from '../../src/cli/program';
import { captureIo, gatewayKeys, readKeyLines, useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

beforeAll(async () => {
  const file = join(await tempDir(), 'tiers.yaml');
  await writeFile(file, 'tiers:\n  - budget_id: flaky\n    rpm_limit: 5\n');
  expect((await gw.run(['apply', file])).code).toBe(0);
});

function expectExactly(lines: Array<Record<string, string>>, n: number) {
  expect(lines).toHaveLength(n);
  expect(new Set(lines.map((l) => l['key_alias'])).size).toBe(n);
  expect(new Set(lines.map((l) => l['key'])).size).toBe(n);
}

describe('keys create against a gateway that fails part of the calls', () => {
  it('retries 5xx answers and still creates each key once', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    gw.gateway.inject({ match: { path: '/key/generate' }, fault: { kind: 'status', status: 503 },
      skip: 2, times: 3 });
    gw.gateway.inject({ match: { path: '/key/generate' }, fault: { kind: 'status', status: 500 },
      skip: 9, times: 2 });

    const r = await gw.run(['keys', 'create', '--tier', 'flaky', '--count', '15', '--out', out,
      '--alias-prefix', 'a', '--concurrency', '3']);

    expect(r.code).toBe(0);
    expectExactly(await readKeyLines(out), 15);
    expect(await gatewayKeys(gw.client(), 'a-flaky-')).toHaveLength(15);
  });

  it('confirms by hash when an answer is lost after the key was made', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    const drops = gw.gateway.inject({ match: { path: '/key/generate' },
      fault: { kind: 'drop', when: 'after' }, skip: 1, times: 4 });

    const r = await gw.run(['keys', 'create', '--tier', 'flaky', '--count', '10', '--out', out,
      '--alias-prefix', 'b', '--concurrency', '2']);
    const lines = await readKeyLines(out);

    expect(drops.hits).toBe(4);
    expect(r.code).toBe(0);
    expectExactly(lines, 10);
    expect(await gatewayKeys(gw.client(), 'b-flaky-')).toHaveLength(10);
    for (const line of lines) expect(line['token']).toBe(await keyHash(line['key'] as string));
  });

  it('exits 3 when retries run out, and a rerun makes exactly the missing keys', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    const args = ['keys', 'create', '--tier', 'flaky', '--count', '12', '--out', out,
      '--alias-prefix', 'c', '--concurrency', '2', '--max-retries', '0'];
    // Three answers fail outright and two are lost after the key was made; with no
    // retries, those keys are left for the next run (two of them already exist).
    gw.gateway.inject({ match: { path: '/key/generate' }, fault: { kind: 'status', status: 502 },
      skip: 3, times: 3 });
    gw.gateway.inject({ match: { path: '/key/generate' }, fault: { kind: 'drop', when: 'after' },
      skip: 6, times: 2 });

    const first = await gw.run(args);

    expect(first.code).toBe(3);
    expect(first.stdout).toContain('5 missing: run the same command again');
    expect(first.stderr).toMatch(/failed: c-flaky-\d{5}: /);
    expect(await readKeyLines(out)).toHaveLength(7);

    const second = await gw.run(args.slice(0, -2));

    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(3 created now, 2 recovered, 7 already there)');
    expectExactly(await readKeyLines(out), 12);
    expect(await gatewayKeys(gw.client(), 'c-flaky-')).toHaveLength(12);
  });

  it('stops early and exits 1 when the gateway refuses the master key', async () => {
    const out = join(await tempDir(), 'keys.jsonl');
    const env = { ...gw.env(), LITELLM_MASTER_KEY: 'sk-not-the-master-key-0000' };
    const { io, err } = captureIo(env);

    const code = await main(['keys', 'create', '--tier', 'flaky', '--count', '3', '--out', out],
      io);

    expect(code).toBe(1);
    expect(err()).toContain('401');
    expect(err()).not.toContain('sk-not-the-master-key-0000');
    expect(err()).toContain('sk-...0000');
  });
});
