import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './spec-fixtures';

const committed = path.join(repoRoot, 'src/generated/litellm.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'litellm-generate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The `generate` script's arguments, with its output redirected to `output`. */
function generateArgs(output: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // The script's first argument is the input file, the one before --output the output.
  const [cli, ...args] = (pkg.scripts.generate ?? '').trim().split(/\s+/);
  if (cli !== 'openapi-typescript') {
    throw new Error(`generate runs "${cli}", not openapi-typescript`);
  }
  const at = args.findIndex((arg) => arg === '--output' || arg === '-o');
  if (at < 0 || args[at + 1] === undefined) throw new Error('generate script has no --output');
  args[at + 1] = output;
  return args;
}

function openapiTypescriptBin(): string {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const pkgPath = require.resolve('openapi-typescript/package.json');
  const { bin } = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(pkgPath), bin['openapi-typescript'] ?? '');
}

describe('src/generated/litellm.ts', () => {
  it('is what `npm run generate` makes from openapi/ now', () => {
    const fresh = path.join(scratch, 'litellm.ts');
    execFileSync(process.execPath, [openapiTypescriptBin(), ...generateArgs(fresh)], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    const stale = readFileSync(committed, 'utf8') !== readFileSync(fresh, 'utf8');
    expect(stale, 'stale: run `npm run generate` and commit the result').toBe(false);
  });

  it('keeps a field with a default optional, as the script turns defaultNonNullable off', () => {
    const input = path.join(scratch, 'defaults.yaml');
    const output = path.join(scratch, 'defaults.ts');
    writeFileSync(input, DEFAULTS_SPEC);
    const args = generateArgs(output);
    args[0] = input;
    execFileSync(process.execPath, [openapiTypescriptBin(), ...args], { stdio: 'pipe' });
    expect(readFileSync(output, 'utf8')).toMatch(/\bpage\?: number;/);
  });
});

// The smallest document with a defaulted request field: openapi-typescript's own default
// would turn `page` into a required property.
const DEFAULTS_SPEC = `openapi: 3.1.0
info: { title: defaults, version: '1' }
paths: {}
components:
  schemas:
    Paged:
      type: object
      properties:
        page: { type: integer, default: 1 }
`;
