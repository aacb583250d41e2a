import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { maxInAnyWindow } from '../../src/gateway/model/stats';
import { withGateway, type Toolkit } from './support/toolkit';

/** stats(): what each key's model calls met, the figures that tell how a client behaves. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
let t: Toolkit | undefined;
afterEach(async () => t?.gw.close());

describe('stats()', () => {
  it('counts arrivals, admissions and refusals by reason, per key and in total', async () => {
    t = await withGateway();
    await t.tier({ budget_id: 'tier', rpm_limit: 2 });
    const key = await t.key({ budget_id: 'tier' });
    for (let i = 0; i < 4; i++) await t.chat(key);
    await t.chat('sk-unknown-key-0000');

    const stats = t.gw.stats();
    const mine = stats.keys[hash(key)]!;
    expect(mine).toMatchObject({ arrived: 4, admitted: 2, faulted: 0, inFlight: 0 });
    expect(mine.refused.requests).toBe(2);
    expect(stats.keys[hash('sk-unknown-key-0000')]?.refused.auth).toBe(1);
    expect(stats.totals).toMatchObject({ arrived: 5, admitted: 2 });
  });

  it('names the reason of each refusal', async () => {
    t = await withGateway();
    const budget = await t.key({ max_budget: 0 });
    const tokens = await t.key({ tpm_limit: 1 });
    const model = await t.key({ model_rpm_limit: { 'fake-gpt': 0 } });
    await t.chat(budget);
    await t.chat(tokens, 'a [ctoks=5]');
    await t.chat(tokens);
    await t.chat(model);
    await t.chat(budget, 'hi', { model: 'no-such-model' });

    const keys = t.gw.stats().keys;
    expect(keys[hash(budget)]?.refused).toMatchObject({ budget: 1, invalid: 1 });
    expect(keys[hash(tokens)]?.refused.tokens).toBe(1);
    expect(keys[hash(model)]?.refused.model_requests).toBe(1);
  });

  it('reports the most calls admitted within any window-long interval', async () => {
    t = await withGateway({ windowMs: 300 });
    const key = await t.key({ rpm_limit: 2 });
    await Promise.all([t.chat(key), t.chat(key), t.chat(key)]);
    await sleep(350);
    await Promise.all([t.chat(key), t.chat(key)]);
    const mine = t.gw.stats().keys[hash(key)]!;
    expect(mine.admitted).toBe(4);
    expect(mine.maxAdmittedInAnyWindow).toBe(2);
  });

  it('reports the most calls in flight at once', async () => {
    t = await withGateway();
    const key = await t.key();
    await Promise.all([1, 2, 3].map(() => t!.chat(key, 'slow [delay=0.2]')));
    const mine = t.gw.stats().keys[hash(key)]!;
    expect(mine.maxInFlight).toBe(3);
    expect(mine.inFlight).toBe(0);
  });

  it('counts calls answered by an injected fault', async () => {
    t = await withGateway();
    const key = await t.key();
    t.gw.inject({
      match: { path: '/v1/chat/completions' },
      fault: { kind: 'status', status: 500 },
    });
    await t.chat(key);
    expect(t.gw.stats().keys[hash(key)]).toMatchObject({ arrived: 1, faulted: 1, admitted: 0 });
  });
});

describe('maxInAnyWindow', () => {
  it('finds the densest half-open interval of the given length', () => {
    expect(maxInAnyWindow([], 100)).toBe(0);
    expect(maxInAnyWindow([0, 50, 99, 100, 150], 100)).toBe(3);
    expect(maxInAnyWindow([300, 0, 100, 200], 100)).toBe(1);
  });
});
