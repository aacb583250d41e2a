import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve, sep } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';

/**
 * Four builds out of one source tree:
 * - Node ESM (`dist/*.js`) and Node CJS (`dist/*.cjs`), each with its declarations;
 * - the CLI (`dist/cli.js`, ESM, with a shebang);
 * - the browser build of the main entry (`dist/browser/index.js`), picked by bundlers through
 *   the `browser` condition of `exports`.
 *
 * The browser build leaves its dependencies external, as the Node ESM build does: the user's
 * bundler resolves them once (an app that already uses openapi-fetch gets one copy), applies
 * its own targets and minifies everything together. Only the specifier of Bottleneck is
 * rewritten, to its light build, which has no clustering and so none of the Redis code nor
 * its Lua scripts.
 */

const entry = {
  index: 'src/index.ts',
  testing: 'src/gateway/index.ts',
  'testing-msw': 'src/gateway/msw.ts',
};

/**
 * Dependencies the CJS build carries instead of requiring:
 * - published only as ESM (p-retry, and is-network-error under it): Node before 20.19 cannot
 *   `require()` them, nor later ones with require(esm) switched off;
 * - openapi-fetch, whose CJS build exports its client as `exports.default`: esbuild gives the
 *   CJS output Node's own interop for a `"type": "module"` package, where a default import
 *   of a CJS module is the whole `module.exports`, so `createClient` would not be a function.
 *   Bundled, it is taken from its ESM build (esbuild picks the `import` condition for
 *   `import` statements whatever the output format).
 */
const BUNDLED_IN_CJS = ['p-retry', 'is-network-error', 'openapi-fetch'];

/** Sources that may exist only for Node: the Redis sharing, reached by dynamic import. */
const NODE_ONLY_DIRS = [resolve('src/redis'), resolve('src/limiter/redis')];

const BROWSER_STUB = 'litellm-tier-client:node-only';

/** Node's built-in modules, with or without `node:` (`events`, `fs/promises`…). */
const NODE_BUILTINS = new Set(builtinModules);

/**
 * The browser build's guard rails: `bottleneck` becomes `bottleneck/light.js` (left external
 * for the user's bundler); the Redis sharing becomes a module that refuses to load; msw,
 * ioredis and Node built-ins fail the build instead of reaching a page.
 *
 * esbuild's own `alias` does not apply here: tsup marks dependencies external in a plugin
 * that runs first and sees the original specifier, so the rewrite is done in a plugin too.
 */
export const browserGuard: Plugin = {
  name: 'browser-guard',
  setup(build) {
    build.onResolve({ filter: /^bottleneck$/ }, () => ({
      path: 'bottleneck/light.js',
      external: true,
    }));
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
      const banned = NODE_BUILTINS.has(name) || /^(ioredis|msw)(\/|$)/.test(name);
      if (!banned) return undefined;
      const text = `"${args.path}" (imported by ${args.importer}) must not reach the browser build`;
      return { errors: [{ text }] };
    });
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const nodeOnly = NODE_ONLY_DIRS.some((dir) => target === dir || target.startsWith(dir + sep));
      return nodeOnly ? { path: target, namespace: BROWSER_STUB } : undefined;
    });
    // No import or export statement: esbuild treats it as CommonJS, so any named import of it
    // still builds, and importing it rejects with a message that says why.
    build.onLoad({ filter: /.*/, namespace: BROWSER_STUB }, () => ({
      contents:
        'throw new Error("Redis sharing runs only in Node: the browser build of ' +
        'litellm-tier-client does not include it.");',
      loader: 'js',
    }));
  },
};

const cliSource = 'src/cli/index.ts';
const cliHasShebang =
  existsSync(cliSource) && readFileSync(cliSource, 'utf8').startsWith('#!');

const shared: Options = {
  sourcemap: true,
  // Cleaning is done once below: the four builds run at the same time and would race.
  clean: false,
};

export default defineConfig(() => {
  rmSync('dist', { recursive: true, force: true });
  return [
    {
      ...shared,
      entry,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      dts: true,
    },
    {
      ...shared,
      entry,
      format: ['cjs'],
      platform: 'node',
      target: 'node20',
      dts: true,
      noExternal: BUNDLED_IN_CJS,
    },
    {
      ...shared,
      entry: { cli: cliSource },
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      // esbuild keeps the entry's own shebang; add one only when the source has none.
      ...(cliHasShebang ? {} : { banner: { js: '#!/usr/bin/env node' } }),
    },
    {
      ...shared,
      entry: { index: 'src/index.ts' },
      outDir: 'dist/browser',
      format: ['esm'],
      platform: 'browser',
      // The source uses class private fields (ES2022); older targets are the app's bundler's
      // call.
      target: 'es2022',
      // Let these through tsup's external list so that the guard above sees them.
      noExternal: [/^bottleneck$/, /^ioredis(\/|$)/, /^msw(\/|$)/],
      esbuildPlugins: [browserGuard],
    },
  ];
});
