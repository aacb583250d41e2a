import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  testing: 'src/gateway/index.ts',
  'testing-msw': 'src/gateway/msw.ts',
};

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    treeshake: true,
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    // p-retry is ESM-only; Node before 20.19 cannot require() it, so the CJS build carries it.
    noExternal: ['p-retry', 'is-network-error'],
  },
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
