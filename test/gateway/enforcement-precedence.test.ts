import { afterEach, describe, expect, it } from 'vitest';
import { withGateway, type Toolkit } from './support/toolkit';

/** Which limit wins between tier and key, and how long a tier change takes to reach a key. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

async function rpmHeader(precedence: 'tier' | 'key', tierRpm: number, keyRpm: number | null) {
  t = await withGateway({ precedence });
  await t.tier({ budget_id: 'tier', rpm_limit: tierRpm });
  const key = await t.key({ budget_id: 'tier', rpm_limit: keyRpm });
  const answer = await t.chat(key);
  await t.gw.close();
  return [
    answer.headers['x-litellm-key-rpm-limit'],
    answer.headers['x-ratelimit-api_key-limit-requests'],
  ];
}

describe('precedence', () => {
  it("lets the tier's rpm override the key's, higher or lower, by default (1.80.7)", async () => {
    expect(await rpmHeader('tier', 40, 3)).toEqual(['40', '40']);
    expect(await rpmHeader('tier', 2, 40)).toEqual(['2', '2']);
  });

  it("lets the key's own rpm win and the tier fill gaps with precedence 'key'", async () => {
    expect(await rpmHeader('key', 40, 3)).toEqual(['3', '3']);
    expect(await rpmHeader('key', 2, null)).toEqual(['2', '2']);
  });
});

describe('how tier changes reach a key in use', () => {
  it('keeps the tier a key loaded until tierCacheMs runs out', async () => {
    t = await withGateway({ tierCacheMs: 300 });
    await t.tier({ budget_id: 'tier', rpm_limit: 0 });
    const key = await t.key({ budget_id: 'tier' });
    const start = Date.now();
    expect((await t.chat(key)).status).toBe(429);
    await t.admin('POST', '/budget/update', { budget_id: 'tier', rpm_limit: 5 });
    expect((await t.chat(key)).status).toBe(429);
    await sleep(400 - (Date.now() - start));
    expect((await t.chat(key)).status).toBe(200);
  });

  it('applies a tier change on the next call when tierCacheMs is 0', async () => {
    t = await withGateway({ tierCacheMs: 0 });
    await t.tier({ budget_id: 'tier', rpm_limit: 0 });
    const key = await t.key({ budget_id: 'tier' });
    expect((await t.chat(key)).status).toBe(429);
    await t.admin('POST', '/budget/update', { budget_id: 'tier', rpm_limit: 5 });
    expect((await t.chat(key)).status).toBe(200);
  });

  it('applies /key/update to another tier on the next call, cache or not', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'open', rpm_limit: 100 });
    await t.tier({ budget_id: 'closed', rpm_limit: 0 });
    const key = await t.key({ budget_id: 'open' });
    expect((await t.chat(key)).status).toBe(200);
    await t.admin('POST', '/key/update', { key, budget_id: 'closed' });
    expect((await t.chat(key)).status).toBe(429);
  });

  it('drops the limits of a deleted tier from its keys', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'closed', rpm_limit: 0 });
    const key = await t.key({ budget_id: 'closed' });
    expect((await t.chat(key)).status).toBe(429);
    await t.admin('POST', '/budget/delete', { id: 'closed' });
    expect((await t.chat(key)).status).toBe(200);
  });
});
