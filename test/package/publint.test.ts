import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './node-process';

it('passes publint in strict mode with no message of any kind', async () => {
  // Packs with npm, so it lints the files that would ship, not the working tree.
  const { messages, pkg } = await publint({ pkgDir: ROOT, strict: true, pack: 'npm' });
  const shown = messages.map((message) => `${message.type}: ${formatMessage(message, pkg)}`);
  expect(shown).toEqual([]);
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).name)
    .toBe('litellm-tier-client');
}, 60_000);
