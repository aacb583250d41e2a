/**
 * What a browser user pays for each client: one import bundled by esbuild for the browser
 * (so packages resolve through their `browser` export condition, as Vite or webpack would
 * resolve them), minified, then gzipped at level 9. Run: `npm run bench:size`.
 */
import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runIfMain } from './support/main';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface BundleSize {
  /** Minified bytes. */
  bytes: number;
  /** Minified, then gzipped (level 9), bytes. */
  gzipBytes: number;
  /** The bundled code, for checks on what it contains. */
  code: string;
  /** The files esbuild read, relative to the repository root. */
  inputs: string[];
}

/** Bundles `source` (an ES module importing packages) as a user's app would for a page. */
export async function measureBundle(source: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js', sourcefile: 'app.js' },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]!.contents;
  return {
    bytes: output.length,
    gzipBytes: gzipSync(output, { level: 9 }).length,
    code: new TextDecoder().decode(output),
    inputs: Object.keys((result.metafile as Metafile).inputs),
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
    '| bundle | minified | gzip | gzip bytes | gzip vs ours |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...sizes.map((s) =>
      `| ${s.name} | ${kb(s.bytes)} | ${kb(s.gzipBytes)} | ` +
      `${s.gzipBytes} | ${(s.gzipBytes / ours.gzipBytes).toFixed(2)}× |`),
  ];
  return ['## Size: browser bundle of one import', '',
    'esbuild for the browser, minified, gzip level 9; sizes are deterministic (one build). ' +
      (await distNote()), '', ...lines].join('\n');
}

runIfMain(import.meta.url, bundleSize);
