import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Budgets: spend from per-token prices, refused once spend reaches max_budget. */

let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

describe('budgets', () => {
  it('lets the call that crosses the budget pass and refuses the next one', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', max_budget: 0.03 });
    const key = await t.key({ budget_id: 'tier' });
    const answers = [await t.chat(key), await t.chat(key), await t.chat(key)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400]);
    expect(answers.map((a) => a.headers['x-litellm-key-spend'])).toEqual([
      '0.0',
      '0.017',
      undefined,
    ]);
    expect(answers[2]!.body).toEqual({
      error: {
        message: 'Budget has been exceeded! Current cost: 0.034, Max budget: 0.03',
        type: 'budget_exceeded',
        param: null,
        code: '400',
      },
    });
    expect(answers[2]!.headers['retry-after']).toBeUndefined();
  });

  it('prices a call per prompt and completion token (7 and 5 by default)', async () => {
    t = await withGateway({ prices: { 'fake-gpt': { prompt: 0.5, completion: 1 } } });
    const key = await t.key();
    expect((await t.chat(key)).headers['x-litellm-response-cost']).toBe('8.5');
  });

  it('answers 429 instead of 400 when budgetExceededStatus is 429', async () => {
    t = await withGateway({ budgetExceededStatus: 429 });
    const key = await t.key({ max_budget: 0.01 });
    await t.chat(key);
    const refused = await t.chat(key);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { type: 'budget_exceeded', code: '429' } });
  });

  it('refuses at once when max_budget is 0', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', max_budget: 0 });
    const key = await t.key({ budget_id: 'tier' });
    expect((await t.chat(key)).status).toBe(400);
  });

  it("compares each key's own spend with the tier budget (nothing pooled)", async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', max_budget: 0.01 });
    const [first, second] = [
      await t.key({ budget_id: 'tier' }),
      await t.key({ budget_id: 'tier' }),
    ];
    const statuses = [];
    for (const key of [first, first, second, second]) statuses.push((await t.chat(key)).status);
    expect(statuses).toEqual([200, 400, 200, 400]);
  });

  it('reports the spend on /key/info', async () => {
    t = await withGateway();
    const key = await t.key();
    await t.chat(key);
    await t.chat(key);
    const info = (await t.admin('GET', `/key/info?key=${key}`)) as { info: { spend: number } };
    expect(info.info.spend).toBeCloseTo(0.034, 10);
  });

  it('holds the master key to no limit at all', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', rpm_limit: 0, max_budget: 0 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => t!.chat(t!.gw.masterKey)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(Object.keys(answers[0]!.headers).filter((h) => h.startsWith('x-ratelimit-'))).toEqual(
      [],
    );
  });
});
