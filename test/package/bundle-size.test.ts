import { expect, it } from 'vitest';
import { CLIENTS, measureBundle } from '../../bench/bundle-size';

/** What a page pays for `import { TierClient }`, minified and gzipped (issue 6, item 4). */
const BUDGET_GZIP_BYTES = 24 * 1024;

it('keeps `import { TierClient }` within 24 KB minified and gzipped for a page', async () => {
  const ours = await measureBundle(CLIENTS[0].source);
  expect(ours.inputs).toContain('dist/browser/index.js');
  console.info(`browser bundle of TierClient: ${ours.bytes} B minified, ${ours.gzipBytes} B gzip`);
  expect(ours.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
});
