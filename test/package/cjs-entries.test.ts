import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from './node-process';
import { namesScript, smokeScript } from './smoke-script';

/** Node without require(esm): what every Node before 20.19 is. */
const NO_REQUIRE_ESM = '--no-experimental-require-module';

/**
 * msw's own CJS build requires an ESM-only package (rettime), so the msw handlers entry can
 * be required only where msw itself can: a Node with require(esm). Ours adds nothing to that.
 */
const ENTRIES: [entry: string, flags: string[]][] = [
  ['litellm-tier-client', [NO_REQUIRE_ESM]],
  ['litellm-tier-client/testing', [NO_REQUIRE_ESM]],
  ['litellm-tier-client/testing/msw', []],
];

/** Bare specifiers the CJS files require, lazily or not. */
function requiredPackages(): string[] {
  const dist = join(ROOT, 'dist');
  const found = new Set<string>();
  for (const file of readdirSync(dist).filter((name) => name.endsWith('.cjs'))) {
    const text = readFileSync(join(dist, file), 'utf8');
    for (const match of text.matchAll(/require\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
      if (!match[1]!.startsWith('node:')) found.add(match[1]!);
    }
  }
  return [...found].sort();
}

describe('the built CJS entries, required by a node without require(esm)', () => {
  it('runs in a node where ESM-only packages cannot be required (the control)', async () => {
    const run = await runNode([NO_REQUIRE_ESM, '-e', "require('p-retry')"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/ERR_REQUIRE_ESM|require\(\) of ES Module/);
  });

  it('calls the gateway through the main entry, retrying a 503 with the bundled p-retry',
    async () => {
      const run = await runNode([NO_REQUIRE_ESM, '-e',
        smokeScript("require('litellm-tier-client')")]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout))
        .toMatchObject({ content: 'hello', calls: 2, errorFamily: true });
    });

  it.each(ENTRIES)('exports the same names from %s as the ESM build', async (entry, flags) => {
    const [cjs, esm] = await Promise.all([
      runNode([...flags, '-e', namesScript(`require('${entry}')`)]),
      runNode(['--input-type=module', '-e', namesScript(`await import('${entry}')`)]),
    ]);
    expect(cjs.stderr).toBe('');
    expect(cjs.code).toBe(0);
    expect(JSON.parse(cjs.stdout)).toEqual(JSON.parse(esm.stdout));
  });

  it('requires only packages that load without require(esm), msw aside', async () => {
    const packages = requiredPackages();
    expect(packages).not.toContain('p-retry');
    expect(packages).not.toContain('is-network-error');
    const script = packages
      .filter((name) => !/^msw(\/|$)/.test(name))
      .map((name) => `require(${JSON.stringify(name)});`)
      .join('\n');
    const run = await runNode([NO_REQUIRE_ESM, '-e', script]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
