import { describe, expect, it } from 'vitest';
import { ENTRIES, runNode } from './node-process';
import { namesScript, smokeScript } from './smoke-script';

const PUBLIC_NAMES = ['TierClient', 'TierClientError', 'APIError', 'RateLimitError',
  'BudgetExceededError', 'APIConnectionError', 'APITimeoutError', 'APIUserAbortError'];

describe('the built ESM entries, imported by a child node', () => {
  it('calls the gateway through the main entry, retrying a 503', async () => {
    const run = await runNode(['--input-type=module', '-e',
      smokeScript("await import('litellm-tier-client')")]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout) as { names: string[]; content: string; calls: number };
    expect(seen).toMatchObject({ content: 'hello', calls: 2, errorFamily: true });
    expect(seen.names).toEqual(expect.arrayContaining(PUBLIC_NAMES));
  });

  it.each(ENTRIES.slice(1))('loads %s and finds exports in it', async (entry) => {
    const run = await runNode(['--input-type=module', '-e',
      namesScript(`await import('${entry}')`)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as string[]).length).toBeGreaterThan(0);
  });
});
