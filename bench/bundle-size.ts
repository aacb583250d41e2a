/**
 * What a browser user pays for each client: one import bundled by esbuild for the browser
 * (so packages resolve through their `browser` export condition, as Vite or webpack would
 * resolve them), minified, then gzipped at level 9. Run: `npm run bench:size`.
 */
import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

async function main(): Promise<void> {
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
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
