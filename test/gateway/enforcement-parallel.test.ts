import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** max_parallel_requests: enforced from the key's own value, never from the tier's. */

let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

const slowCalls = (key: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => t!.chat(key, `call ${i} [delay=0.25]`)));

describe('parallel requests', () => {
  it("refuses calls over the key's own max_parallel_requests while others run", async () => {
    t = await withGateway();
    const key = await t.key({ max_parallel_requests: 1 });
    const answers = await slowCalls(key, 3);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers.rate_limit_type).toBe('max_parallel_requests');
    expect(JSON.stringify(refused.body)).toContain(
      'Limit type: max_parallel_requests. Current limit: 1',
    );
  });

  it('frees the slot when a call ends', async () => {
    t = await withGateway();
    const key = await t.key({ max_parallel_requests: 1 });
    await slowCalls(key, 2);
    const after = await t.chat(key);
    expect(after.status).toBe(200);
    expect(after.headers['x-ratelimit-api_key-remaining-max_parallel_requests']).toBe('0');
    expect(after.headers['x-ratelimit-api_key-limit-max_parallel_requests']).toBe('1');
  });

  it("does not apply a tier's max_parallel_requests to its keys", async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', max_parallel_requests: 1 });
    const key = await t.key({ budget_id: 'tier' });
    const answers = await slowCalls(key, 3);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  });
});
