import { afterEach, describe, expect, it, vi } from 'vitest';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';
import { TokenGateway } from './support/token-gateway';
import { random, sleep } from './support/window-gateway';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Callers sending calls of random size. What the gateway counts for a call stays within its
 * estimate (1 + completion on 1.80.7, the total on newer proxies): a call that uses more than
 * its estimate is known to be larger only once its answer is back, and in the moment between
 * the gateway's count and the answer's arrival no client-side reservation can cover it. The
 * limiter charges such a shortfall at settle (tokens-reserved-then-corrected.test.ts).
 */
async function run(limiter: TierLimiter, gateway: TokenGateway, rnd: () => number, calls: number) {
  const caller = async () => {
    for (let i = 0; i < calls; i += 1) {
      const estimate = 1 + Math.floor(rnd() * 40);
      const grant = await limiter.acquire({ tokens: estimate });
      await sleep(rnd() < 0.3 ? rnd() * 300 : rnd() * 5);
      const admitted = gateway.arrive(estimate);
      const completion = Math.floor(rnd() * estimate);
      const prompt = Math.floor(rnd() * (estimate - completion + 1));
      const usage = { completion, total: prompt + completion };
      await sleep(rnd() * 20);
      if (admitted) gateway.finish(estimate, usage);
      await sleep(rnd() < 0.3 ? rnd() * 300 : rnd() * 5);
      grant.settle({
        sent: true,
        status: admitted ? 200 : 429,
        usage: admitted
          ? { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage.total }
          : null,
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, caller));
}

describe('tpm_limit over the gateway’s token window', () => {
  for (const style of ['1.80.7', 'newer'] as const) {
    it(`gets no 429 from a ${style} gateway for any of 15 seeds (fake clock)`, async () => {
      vi.useFakeTimers();
      for (let seed = 1; seed <= 15; seed += 1) {
        const rnd = random(seed * 31);
        const limiter = new TierLimiter(limits({ tpm: 120 }), { windowMs: 1000 });
        const gateway = new TokenGateway(style, 120, 1000);
        const done = run(limiter, gateway, rnd, 6);
        await vi.runAllTimersAsync();
        await done;
        expect(gateway.refused).toBe(0);
        await limiter.close();
      }
    });
  }

  it('gets no 429 from a 1.80.7 gateway with real timers', async () => {
    const limiter = new TierLimiter(limits({ tpm: 150 }), { windowMs: 300 });
    const gateway = new TokenGateway('1.80.7', 150, 300);
    await run(limiter, gateway, random(5), 3);
    expect(gateway.refused).toBe(0);
    await limiter.close();
  });
});
