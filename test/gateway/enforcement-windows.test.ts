import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Fixed rate-limit windows, per key, anchored at the first admitted call after expiry. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

async function keyOnTier(tier: Record<string, unknown>, windowMs: number): Promise<string> {
  t = await withGateway({ windowMs });
  await t.tier({ budget_id: 'tier', ...tier });
  return t.key({ budget_id: 'tier' });
}

describe('rate-limit windows', () => {
  it('admits exactly rpm_limit calls per window and refuses the rest with a 429', async () => {
    const key = await keyOnTier({ rpm_limit: 3 }, 60_000);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t!.chat(key));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers.map((a) => a.headers['x-ratelimit-api_key-remaining-requests'])).toEqual([
      '2',
      '1',
      '0',
      undefined,
      undefined,
    ]);

    const refused = answers[3]!;
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers.rate_limit_type).toBe('requests');
    expect(refused.headers.reset_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const message = (refused.body as { error: { message: string } }).error.message;
    expect(message).toMatch(
      new RegExp(
        '^Rate limit exceeded for api_key: [0-9a-f]{64}\\. Limit type: requests\\. ' +
          'Current limit: 3, Remaining: 0\\. Limit resets at: .+ UTC$',
      ),
    );
  });

  it('reports retry-after as the window rounded up to whole seconds', async () => {
    const key = await keyOnTier({ rpm_limit: 0 }, 1500);
    expect((await t!.chat(key)).headers['retry-after']).toBe('2');
  });

  it('refuses every call at once when rpm_limit is 0', async () => {
    const key = await keyOnTier({ rpm_limit: 0 }, 60_000);
    const answers = [await t!.chat(key), await t!.chat(key), await t!.chat(key)];
    expect(answers.map((a) => a.status)).toEqual([429, 429, 429]);
    expect(JSON.stringify(answers[0]!.body)).toContain('Current limit: 0, Remaining: 0');
  });

  it('opens the next window at the first call after expiry, not on a fixed grid', async () => {
    const key = await keyOnTier({ rpm_limit: 1 }, 300);
    const start = Date.now();
    expect((await t!.chat(key)).status).toBe(200);
    await sleep(450 - (Date.now() - start));
    expect((await t!.chat(key)).status).toBe(200); // opens a window at ~450 ms
    await sleep(650 - (Date.now() - start));
    // A grid of 300 ms windows would have started a fresh one at 600 ms.
    expect((await t!.chat(key)).status).toBe(429);
  });

  it('does not let refused calls extend the window', async () => {
    const key = await keyOnTier({ rpm_limit: 1 }, 400);
    const start = Date.now();
    expect((await t!.chat(key)).status).toBe(200);
    await sleep(200 - (Date.now() - start));
    expect((await t!.chat(key)).status).toBe(429);
    await sleep(480 - (Date.now() - start));
    expect((await t!.chat(key)).status).toBe(200);
  });

  it('gives every key on a tier its own full window: nothing is pooled', async () => {
    const first = await keyOnTier({ rpm_limit: 2 }, 60_000);
    const second = await t!.key({ budget_id: 'tier' });
    const statuses = [];
    for (const key of [first, first, first, second, second, second])
      statuses.push((await t!.chat(key)).status);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
  });
});
