import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `npm run gateway`: prints URL and master key, serves, and stops cleanly on SIGINT. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', ...args], {
    cwd: root,
  });
  let output = '';
  child.stdout.on('data', (part: Buffer) => (output += part.toString()));
  child.stderr.on('data', (part: Buffer) => (output += part.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(output); i++)
      await new Promise((r) => setTimeout(r, 50));
    return pattern.exec(output);
  };
  return { child, exited, printed, output: () => output };
}

describe('the gateway dev command', () => {
  it('prints its URL and master key, answers, and exits 0 on SIGINT', async () => {
    const cli = startCli(['--window-ms', '1000']);
    try {
      const url = (await cli.printed(/listening on (http:\/\/127\.0\.0\.1:\d+)/))?.[1];
      const master = (await cli.printed(/master key: (sk-master-[0-9a-f]+)/))?.[1];
      expect(url).toBeDefined();
      const answer = await fetch(`${url}/budget/list`, {
        headers: { authorization: `Bearer ${master}` },
      });
      expect(answer.status).toBe(200);
    } finally {
      if (cli.child.pid !== undefined) process.kill(cli.child.pid, 'SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it('names a wrong flag and its value, and exits 1', async () => {
    const cli = startCli(['--port', 'abc']);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('--port must be a whole number >= 0, got "abc"');
  });
});
