import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserGuard } from '../../tsup.config';
import { CLIENTS, measureBundle } from '../../bench/bundle-size';
import { ROOT } from './node-process';

const BROWSER_DIR = join(ROOT, 'dist/browser');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every specifier the shipped browser files import, from esbuild's own parse of them. */
async function browserImports(): Promise<string[]> {
  const files = readdirSync(BROWSER_DIR).filter((name) => name.endsWith('.js'));
  const found = new Set<string>();
  for (const file of files) {
    const result = await build({
      entryPoints: [join(BROWSER_DIR, file)],
      bundle: true, packages: 'external', external: ['node:*'], platform: 'neutral',
      write: false, metafile: true, logLevel: 'silent',
    });
    for (const input of Object.values(result.metafile.inputs)) {
      for (const record of input.imports) if (record.external) found.add(record.path);
    }
  }
  return [...found].sort();
}

function browserText(): string {
  return readdirSync(BROWSER_DIR)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(BROWSER_DIR, name), 'utf8'))
    .join('\n');
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the shipped browser build', () => {
  it('imports no Node built-in, no msw, no ioredis and only declared dependencies', async () => {
    const imports = await browserImports();
    expect(imports.filter((path) => NODE_BUILTINS.has(path) || path.startsWith('node:')))
      .toEqual([]);
    expect(imports.filter((path) => /^(msw|ioredis)(\/|$)/.test(path))).toEqual([]);
    expect(imports.filter((path) => !(packageOf(path) in pkg.dependencies))).toEqual([]);
  });

  it('imports Bottleneck only through its light build', async () => {
    const imports = await browserImports();
    expect(imports.filter((path) => packageOf(path) === 'bottleneck'))
      .toSatisfy((paths: string[]) => paths.every((path) => path === 'bottleneck/light.js'));
  });

  it("carries none of Bottleneck's Redis code or Lua scripts", () => {
    const text = browserText();
    expect(text).not.toMatch(/RedisConnection|IORedisConnection|redis\.call|\.lua\b/);
  });
});

describe("a page's bundle of `import { TierClient }`", () => {
  it('takes the browser build and no Node-only file', async () => {
    const { inputs, code } = await measureBundle(CLIENTS[0].source);
    expect(inputs).toContain('dist/browser/index.js');
    expect(inputs.filter((f) => /^dist\/(index|testing)/.test(f))).toEqual([]);
    expect(inputs.filter((f) => /node_modules\/(bottleneck\/(lib|es5)|ioredis|msw)\b/.test(f)))
      .toEqual([]);
    expect(code).not.toMatch(/redis\.call|\.lua"/);
  });

  it('includes the light Bottleneck whenever the SDK uses Bottleneck', async () => {
    const { inputs } = await measureBundle(CLIENTS[0].source);
    const nodeFiles = readdirSync(join(ROOT, 'dist')).filter((name) => name.endsWith('.js'));
    const usesBottleneck = nodeFiles.some((name) =>
      /from\s*["']bottleneck["']/.test(readFileSync(join(ROOT, 'dist', name), 'utf8')));
    const light = inputs.filter((f) => f.endsWith('node_modules/bottleneck/light.js'));
    expect(light.length).toBe(usesBottleneck ? 1 : 0);
  });
});

describe("the browser build's guard (tsup.config.ts)", () => {
  const bundle = (contents: string) =>
    build({
      stdin: { contents, resolveDir: join(ROOT, 'src/limiter'), loader: 'ts' },
      absWorkingDir: ROOT, bundle: true, format: 'esm', platform: 'browser', write: false,
      plugins: [browserGuard], logLevel: 'silent',
    });

  it('rewrites `bottleneck` to its light build and leaves it to the app bundler', async () => {
    const result = await bundle("import B from 'bottleneck'; export const b = B;");
    const code = result.outputFiles[0]!.text;
    expect(code).toMatch(/from\s*"bottleneck\/light\.js"/);
    expect(code).not.toMatch(/from\s*"bottleneck"/);
  });

  it('replaces the Redis sharing with a module that refuses to load', async () => {
    const result = await bundle(
      "export const load = () => import('./redis/connection').then((m) => m.connect);");
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('Redis sharing runs only in Node');
    expect(code).not.toContain('ioredis');
  });

  const banned = ['node:http', 'events', 'fs/promises', 'ioredis', 'msw', 'msw/node'];
  it.each(banned)('fails the build on an import of %s', async (spec) => {
    await expect(bundle(`import * as m from '${spec}'; export { m };`))
      .rejects.toThrow(/must not reach the browser build/);
  });
});
