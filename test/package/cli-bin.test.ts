import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from './node-process';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

it('ships the litellm-tiers bin as an executable ESM file with one shebang', async () => {
  const bin = join(ROOT, pkg.bin['litellm-tiers']!);
  const text = readFileSync(bin, 'utf8');
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(text.match(/^#!/gm)).toHaveLength(1);
  expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
  // Run through its shebang, as npm's bin link runs it.
  const { stdout } = await promisify(execFile)(bin, ['--help'], { cwd: ROOT, timeout: 15_000 });
  expect(stdout).toMatch(/Usage/i);
});
