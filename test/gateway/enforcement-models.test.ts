import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Per-model limits: rpm, tpm and budget from a tier's model_max_budget or the key's own. */

let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

const PRICES = {
  'fake-gpt': { prompt: 0.001, completion: 0.002 },
  'fake-mini': { prompt: 0.0001, completion: 0.0002 },
};

async function keyOnTier(modelLimits: Record<string, unknown>): Promise<string> {
  t = await withGateway({ prices: PRICES });
  await t.tier({ budget_id: 'tier', model_max_budget: { 'fake-gpt': modelLimits } });
  return t.key({ budget_id: 'tier' });
}

describe('per-model limits', () => {
  it("enforces a tier's per-model rpm with model_per_key headers and refusals", async () => {
    const key = await keyOnTier({ rpm_limit: 2 });
    const answers = [await t!.chat(key), await t!.chat(key), await t!.chat(key)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[0]!.headers['x-ratelimit-model_per_key-remaining-requests']).toBe('1');
    expect(answers[0]!.headers['x-ratelimit-model_per_key-limit-requests']).toBe('2');
    expect(JSON.stringify(answers[2]!.body)).toMatch(
      /Rate limit exceeded for model_per_key: [0-9a-f]{64}:fake-gpt\./,
    );
  });

  it('counts only calls to that model', async () => {
    const key = await keyOnTier({ rpm_limit: 1 });
    expect((await t!.chat(key)).status).toBe(200);
    const other = await t!.chat(key, 'hi', { model: 'fake-mini' });
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-model_per_key-limit-requests']).toBeUndefined();
  });

  it("enforces a tier's per-model tpm", async () => {
    const key = await keyOnTier({ tpm_limit: 10 });
    expect((await t!.chat(key, 'long answer [ctoks=20]')).status).toBe(200);
    const refused = await t!.chat(key);
    expect(refused.status).toBe(429);
    expect(refused.headers.rate_limit_type).toBe('tokens');
  });

  it("enforces the key's own model_rpm_limit", async () => {
    t = await withGateway({ prices: PRICES });
    const key = await t.key({ model_rpm_limit: { 'fake-gpt': 1 } });
    expect([(await t.chat(key)).status, (await t.chat(key)).status]).toEqual([200, 429]);
  });

  it('refuses a model whose budget is spent and leaves other models alone', async () => {
    const key = await keyOnTier({ max_budget: 0.001 });
    expect((await t!.chat(key)).status).toBe(200);
    const refused = await t!.chat(key);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { type: 'budget_exceeded', code: '400' } });
    expect(JSON.stringify(refused.body)).toContain('exceeded budget for model=fake-gpt');
    expect((await t!.chat(key, 'hi', { model: 'fake-mini' })).status).toBe(200);
  });
});
