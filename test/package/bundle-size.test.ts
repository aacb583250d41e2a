import { expect, it } from 'vitest';
import { CLIENTS, measureBundle } from '../../bench/bundle-size';

/**
 * What a page loads for `import { TierClient }`, minified and gzipped (issue 6, item 4): the
 * entry chunk and its static imports. Chunks behind `import()` (p-retry on a first retry,
 * openapi-fetch on a first management call) load on demand and are reported apart.
 */
const BUDGET_GZIP_BYTES = 24 * 1024;

it('keeps `import { TierClient }` within 24 KB minified and gzipped for a page', async () => {
  const ours = await measureBundle(CLIENTS[0].source);
  expect(ours.inputs).toContain('dist/browser/index.js');
  console.info(`browser bundle of TierClient: ${ours.bytes} B minified, ${ours.gzipBytes} B ` +
    `gzip up front, ${ours.lazyGzipBytes} B gzip on demand`);
  expect(ours.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
});
