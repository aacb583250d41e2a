import { describe, expect, it } from 'vitest';
import { WindowGateway, sleep } from '../support/window-gateway';
import type { Grant } from '../../../src/limiter/ticket';
import { sharedRedis } from './support/redis';
import { tier, useSharedLimiters } from './support/shared';

const redis = await sharedRedis();
const WINDOW_MS = 600;

describe.skipIf(!redis.ok)('one tier, admitted against one shared ledger', () => {
  const setup = useSharedLimiters();

  it('admits at most rpm_limit calls per window, whichever process asks', async () => {
    const { make } = setup('rpm');
    const a = make(tier({ rpm_limit: 4 }));
    const b = make(tier({ rpm_limit: 4 }));
    const gateway = new WindowGateway(4, WINDOW_MS);
    const call = async (limiter: typeof a) => {
      const grant = await limiter.acquire({ tokens: 1 });
      const admitted = gateway.arrive();
      await sleep(5);
      grant.settle({ sent: true, status: admitted ? 200 : 429 });
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => call(i % 2 ? a : b)));
    expect(gateway.refused).toBe(0);
    expect(gateway.mostInAnyWindow()).toBe(4);
    expect(gateway.admitted).toHaveLength(12);
  });

  it('reserves estimated tokens across processes and gives back the excess at settle', async () => {
    const { make } = setup('tpm');
    const a = make(tier({ tpm_limit: 100 }));
    const b = make(tier({ tpm_limit: 100 }));
    const first = await a.acquire({ tokens: 80 });
    let second: Grant | null = null;
    const waiting = b.acquire({ tokens: 60 }).then((g) => (second = g));
    await sleep(100);
    expect(second).toBeNull();
    // It used 30 of its 80: the 50 it did not use come back at once, the 30 a window later.
    const usage = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };
    first.settle({ sent: true, usage });
    const at = performance.now();
    await waiting;
    expect(performance.now() - at).toBeLessThan(WINDOW_MS / 2);
  });

  it("keeps a model's own limits on top of the key's, across processes", async () => {
    const { make } = setup('model');
    const limits = tier({ rpm_limit: 10, model_max_budget: { small: { rpm_limit: 1 } } });
    const a = make(limits);
    const b = make(limits);
    await a.acquire({ tokens: 1, model: 'small' });
    const other = await b.acquire({ tokens: 1, model: 'other' });
    expect(other).toBeDefined();
    const refused = make(limits, { onLimit: 'reject' });
    await expect(refused.acquire({ tokens: 1, model: 'small' })).rejects.toMatchObject({
      name: 'RateLimitError', source: 'client', limit: 'model_requests', model: 'small',
    });
  });

  it('holds max_parallel_requests across processes and frees a slot when a call settles',
    async () => {
      const { make } = setup('parallel');
      const a = make(tier({ max_parallel_requests: 2 }));
      const b = make(tier({ max_parallel_requests: 2 }));
      const held = [await a.acquire({ tokens: 1 }), await b.acquire({ tokens: 1 })];
      let third: Grant | null = null;
      const waiting = a.acquire({ tokens: 1 }).then((g) => (third = g));
      await sleep(150);
      expect(third).toBeNull();
      held[1]?.settle({ sent: true });
      await waiting;
      expect(third).not.toBeNull();
      expect(a.state().shared?.parallelLeased).toBe(true);
    });

  it('serves waiting calls first in, first out across processes', async () => {
    const { make } = setup('fifo');
    const a = make(tier({ rpm_limit: 1 }));
    const b = make(tier({ rpm_limit: 1 }));
    const first = await a.acquire({ tokens: 1 });
    const order: string[] = [];
    const early = b.acquire({ tokens: 1 }).then((g) => (order.push('b, asked first'), g));
    await sleep(50);
    const late = a.acquire({ tokens: 1 }).then((g) => (order.push('a, asked later'), g));
    first.settle({ sent: true });
    (await early).settle({ sent: true });
    await late;
    expect(order).toEqual(['b, asked first', 'a, asked later']);
  });

  it('gives an unsent call back at once', async () => {
    const { make } = setup('unsent');
    const a = make(tier({ rpm_limit: 1 }));
    const b = make(tier({ rpm_limit: 1 }));
    (await a.acquire({ tokens: 1 })).settle({ sent: false });
    const at = performance.now();
    await b.acquire({ tokens: 1 });
    expect(performance.now() - at).toBeLessThan(WINDOW_MS / 2);
  });

  it('stores nothing under the key itself: only its hash, with a cluster hash tag', async () => {
    const limiters = setup('hashed');
    const key = { apiKey: limiters.apiKey };
    const grant = await limiters.make(tier({ rpm_limit: 3, max_parallel_requests: 2 }))
      .acquire({ tokens: 1 });
    grant.settle({ sent: true });
    const { default: Redis } = await import('ioredis');
    const client = new Redis('redis://127.0.0.1:6379');
    const keys = await client.keys('*ltc:{*');
    client.disconnect();
    const ours = keys.filter((k) => k.includes(key.apiKey.slice(-8)) || k.includes('{'));
    expect(ours.some((k) => k.includes(key.apiKey))).toBe(false);
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(key.apiKey).digest('hex');
    const mine = keys.filter((k) => k.includes(`{${hash}}`));
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((k) => /^(b_)?ltc:\{[0-9a-f]{64}\}/.test(k))).toBe(true);
  });
});
