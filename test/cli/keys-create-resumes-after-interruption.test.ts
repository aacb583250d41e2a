import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TierClient } from '../../src/index';
import { gatewayKeys, readKeyLines, useGateway, useTempDir } from './harness';

const gw = useGateway();
const tempDir = useTempDir();

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

describe('keys create, interrupted and run again', () => {
  it('ends with exactly n unique keys, every one usable, none lost', async () => {
    await gw.run(['apply', await tierFile()]);
    const out = join(await tempDir(), 'keys.jsonl');
    const args = ['keys', 'create', '--tier', 'resume', '--count', '40', '--out', out,
      '--concurrency', '4', '--alias-prefix', 'r'];
    // Requests 13 to 16 create their key and then hang: the interruption lands in the
    // window where a key exists on the gateway but not yet in the keys file.
    const hang = gw.gateway.inject({
      match: { path: '/key/generate' },
      fault: { kind: 'delay', ms: 2_000, when: 'after' },
      skip: 12,
      times: 4,
    });
    const interrupt = new AbortController();
    const running = gw.run(args, interrupt.signal);
    await until(() => hang.hits === 4);
    await sleep(100);
    interrupt.abort();
    const first = await running;

    expect(first.code).toBe(130);
    expect(first.stderr).toContain('interrupted: run the same command again to finish');
    expect(await readKeyLines(out)).toHaveLength(12);
    expect(await gatewayKeys(gw.client(), 'r-resume-')).toHaveLength(16);

    const second = await gw.run(args);
    const lines = await readKeyLines(out);
    const onGateway = await gatewayKeys(gw.client(), 'r-resume-');

    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(24 created now, 4 recovered, 12 already there)');
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l['key_alias'])).size).toBe(40);
    expect(new Set(lines.map((l) => l['key'])).size).toBe(40);
    expect(lines.every((l) => l['budget_id'] === 'resume')).toBe(true);
    expect(onGateway).toHaveLength(40);
    expect(existsSync(`${out}.pending`)).toBe(false);
    await expectEveryKeyWorks(lines.map((l) => l['key'] as string));
  });
});

async function tierFile(): Promise<string> {
  const file = join(await tempDir(), 'tiers.yaml');
  await writeFile(file, 'tiers:\n  - budget_id: resume\n    rpm_limit: 5\n');
  return file;
}

/** One chat call per key: each secret in the file is a working key on its tier. */
async function expectEveryKeyWorks(keys: string[]): Promise<void> {
  for (const key of keys) {
    const client = new TierClient({ baseUrl: gw.gateway.url, apiKey: key, maxRetries: 0 });
    const answer = await client.chatCompletions({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices.length).toBeGreaterThan(0);
    await client.close();
  }
}
