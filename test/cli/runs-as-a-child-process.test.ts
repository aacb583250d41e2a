import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayKeys, readKeyLines, useGateway, useTempDir } from './harness';

const gw = useGateway({ latencyMs: 25 });
const tempDir = useTempDir();
const ROOT = join(import.meta.dirname, '../..');
const running = new Set<ChildProcess>();

// A test that fails half-way must not leave its child behind.
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** `litellm-tiers <args>` in its own Node process, the way a shell runs the bin. */
function cli(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return { process: child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const match = read().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${pattern} in ${JSON.stringify(read())}`);
}

describe('litellm-tiers as a separate process', () => {
  it('documents its exit codes in --help and exits 0', async () => {
    const child = cli(['--help']);

    expect(await child.exit).toBe(0);
    expect(child.stdout()).toContain('Exit codes:');
    expect(child.stdout()).toContain('3    partial');
  });

  it('exits 2 on an unknown option', async () => {
    const child = cli(['status', '--no-such-flag']);

    expect(await child.exit).toBe(2);
    expect(child.stderr()).toContain("unknown option '--no-such-flag'");
  });

  it('stops on Ctrl-C with exit 130, and the same command then finishes the job', async () => {
    const dir = await tempDir();
    const tiers = join(dir, 'tiers.yaml');
    await writeFile(tiers, 'tiers:\n  - budget_id: ctrl-c\n');
    expect(await cli(['apply', tiers], gw.env()).exit).toBe(0);
    const out = join(dir, 'keys.jsonl');
    const args = ['keys', 'create', '--tier', 'ctrl-c', '--count', '60', '--out', out,
      '--concurrency', '2'];

    const first = cli(args, gw.env());
    await waitFor(first.stderr, /keys ctrl-c: \d+\/60/);
    first.process.kill('SIGINT');

    expect(await first.exit).toBe(130);
    expect(first.stderr()).toContain('interrupted: run the same command again to finish');
    expect((await readKeyLines(out)).length).toBeLessThan(60);

    const second = cli(args, gw.env());

    expect(await second.exit).toBe(0);
    const lines = await readKeyLines(out);
    expect(lines).toHaveLength(60);
    expect(new Set(lines.map((l) => l['key'])).size).toBe(60);
    expect(await gatewayKeys(gw.client(), 'key-ctrl-c-')).toHaveLength(60);
  });

  it('runs the local gateway, prints its URL and master key, and stops on Ctrl-C', async () => {
    const child = cli(['gateway', '--window-ms', '1000']);
    const [, url] = await waitFor(child.stdout, /export LITELLM_BASE_URL=(\S+)\n/);
    const [, key] = await waitFor(child.stdout, /export LITELLM_MASTER_KEY=(\S+)\n/);

    const status = cli(['status', '--json'], { LITELLM_BASE_URL: url ?? '',
      LITELLM_MASTER_KEY: key ?? '' });

    expect(await status.exit).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({ ok: true, tiers: [] });
    child.process.kill('SIGINT');
    expect(await child.exit).toBe(0);
  });
});
