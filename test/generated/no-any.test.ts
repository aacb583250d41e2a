import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './spec-fixtures';

const generated = readFileSync(path.join(repoRoot, 'src/generated/litellm.ts'), 'utf8');
const code = generated.split('\n').filter((line) => !/^\s*(\/\*\*|\*)/.test(line));

// Where `unknown` is the honest type: extra properties the proxy may add to a row or an
// envelope, arbitrary JSON in metadata-like maps and setting values, and the input a 422
// echoes back. Anything else would mean a schema decayed.
const ALLOWED_UNKNOWN = [
  /^\s*\[(key|name): string\]: unknown;$/,
  /^\s*field_(default_)?value: number \| string \| boolean \| \{$/,
  /^\s*\} \| unknown\[\] \| null;$/,
  /^\s*input: unknown;$/,
];

describe('the generated types', () => {
  it('contain no `any`', () => {
    expect(code.filter((line) => /\bany\b/.test(line))).toEqual([]);
  });

  it('use `unknown` only for extra properties, free-form JSON and a 422\'s echoed input', () => {
    const unexpected = code.filter(
      (line) => /\bunknown\b/.test(line) && !ALLOWED_UNKNOWN.some((ok) => ok.test(line)),
    );
    expect(unexpected).toEqual([]);
  });

  it('type every declared schema as an object type, never as a bare unknown', () => {
    expect(code.filter((line) => /^\s{8}\w+: unknown;$/.test(line))).toEqual([]);
  });
});
