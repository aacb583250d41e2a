/**
 * What a browser user pays for each client: one import bundled by esbuild for the browser
 * (so packages resolve through their `browser` export condition, as Vite or webpack would
 * resolve them), minified, then gzipped at level 9. Run: `npm run bench:size`.
 */
import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIfMain } from './support/main';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface BundleSize {
  /** Minified bytes a page loads up front: the entry chunk and what it imports statically. */
  bytes: number;
  /** The same, gzipped (level 9). */
  gzipBytes: number;
  /** Gzipped bytes of the chunks loaded only on demand (`import()`), e.g. on a first retry. */
  lazyGzipBytes: number;
  /** All the bundled code, up front and lazy, for checks on what it contains. */
  code: string;
  /** The files esbuild read, relative to the repository root. */
  inputs: string[];
}

/**
 * Bundles `source` (an ES module importing packages) as a user's app would for a page, with
 * code splitting on, as Vite and webpack do: dynamic imports become chunks loaded on demand.
 */
export async function measureBundle(source: string): Promise<BundleSize> {
  // Inside the repository, so that the app resolves this package through its own exports.
  await mkdir(join(ROOT, 'bench/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'bench/.cache/bundle-'));
  try {
    const entry = join(dir, 'app.js');
    await writeFile(entry, source);
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      splitting: true,
      outdir: join(dir, 'out'),
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return sizesOf(result.outputFiles, result.metafile as Metafile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sizesOf(files: Array<{ path: string; contents: Uint8Array }>, meta: Metafile) {
  const byPath = new Map(files.map((f) => [relative(ROOT, f.path), f.contents]));
  const [entry] = Object.entries(meta.outputs).find(([, o]) => o.entryPoint) ?? [];
  const upFront = new Set<string>();
  const visit = (path: string) => {
    if (upFront.has(path)) return;
    upFront.add(path);
    for (const dep of meta.outputs[path]?.imports ?? []) {
      if (dep.kind === 'import-statement') visit(dep.path);
    }
  };
  if (entry) visit(entry);
  const chunks = [...byPath].filter(([path]) => path.endsWith('.js'));
  const eager = chunks.filter(([path]) => upFront.has(path)).map(([, c]) => c);
  const lazy = chunks.filter(([path]) => !upFront.has(path)).map(([, c]) => c);
  const joined = (parts: Uint8Array[]) => Buffer.concat(parts);
  const decode = (parts: Uint8Array[]) => new TextDecoder().decode(joined(parts));
  return {
    bytes: joined(eager).length,
    gzipBytes: gzipSync(joined(eager), { level: 9 }).length,
    lazyGzipBytes: lazy.length ? gzipSync(joined(lazy), { level: 9 }).length : 0,
    code: decode(eager) + decode(lazy),
    inputs: Object.keys(meta.inputs),
  };
}

/** The app each row bundles; ours resolves to this repository's built `dist/browser`. */
export const CLIENTS = [
  {
    name: 'litellm-tier-client',
    source: "import { TierClient } from 'litellm-tier-client'; export { TierClient };",
  },
  {
    name: 'openai (openai-node)',
    source: "import OpenAI from 'openai'; export { OpenAI };",
  },
  {
    name: 'openapi-fetch',
    source: "import createClient from 'openapi-fetch'; export { createClient };",
  },
  {
    name: 'our dependencies alone',
    source:
      "import Bottleneck from 'bottleneck/light.js'; import createClient from 'openapi-fetch'; " +
      "import pRetry from 'p-retry'; import { createParser } from 'eventsource-parser'; " +
      'export { Bottleneck, createClient, pRetry, createParser };',
  },
] as const;

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** When `dist/browser/index.js` was built, and whether a file in `src/` is newer. */
async function distNote(): Promise<string> {
  const built = (await stat(new URL('../dist/browser/index.js', import.meta.url))).mtime;
  const files = await readdir(new URL('../src/', import.meta.url), { recursive: true });
  const times = await Promise.all(files.map(async (f) =>
    (await stat(new URL(`../src/${f}`, import.meta.url))).mtime.getTime()));
  const stale = Math.max(...times) > built.getTime();
  return `Ours is \`dist/browser\` as built at ${built.toISOString()}` +
    (stale ? ' — **older than some file in src/: run `npm run build` first**.' : '.');
}

/** The size section: each bundle beside ours; deterministic, so one build each. */
export default async function bundleSize(): Promise<string> {
  const sizes = [];
  for (const client of CLIENTS) sizes.push({ ...client, ...(await measureBundle(client.source)) });
  const ours = sizes[0]!;
  const lines = [
    '| bundle | minified, up front | gzip, up front | gzip bytes | vs ours | gzip, on demand |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...sizes.map((s) =>
      `| ${s.name} | ${kb(s.bytes)} | ${kb(s.gzipBytes)} | ` +
      `${s.gzipBytes} | ${(s.gzipBytes / ours.gzipBytes).toFixed(2)}× | ` +
      `${s.lazyGzipBytes ? kb(s.lazyGzipBytes) : '—'} |`),
  ];
  return ['## Size: browser bundle of one import', '',
    'esbuild for the browser with code splitting (as Vite and webpack bundle), minified, ' +
      'gzip level 9. "Up front" is what a page loads with the import; "on demand" is chunks ' +
      'behind `import()` (here: p-retry on a first retry, openapi-fetch on a first ' +
      'management call, eventsource-parser with a first stream). Deterministic: one build ' +
      'each. ' +
      (await distNote()), '', ...lines].join('\n');
}

runIfMain(import.meta.url, bundleSize);
