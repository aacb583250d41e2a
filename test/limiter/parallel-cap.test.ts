import { describe, expect, it } from 'vitest';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import type { Grant } from '../../src/limiter/ticket';
import { flush, limits, status } from './support/flush';

describe('max_parallel_requests', () => {
  it('allows at most P calls acquired and not yet settled', async () => {
    const limiter = new TierLimiter(limits({ parallel: 2 }), { windowMs: 200 });
    const calls = Array.from({ length: 5 }, () => limiter.acquire({ tokens: 1 }));
    await flush();
    const states = await Promise.all(calls.map(status));
    expect(states).toEqual(['fulfilled', 'fulfilled', 'pending', 'pending', 'pending']);
    expect(limiter.state()).toMatchObject({ inFlight: 2, queued: 3 });
    await limiter.close();
  });

  it('gives the parallel slot back at settle, without waiting for the window', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1, rpm: 10 }), { windowMs: 60_000 });
    const first = await limiter.acquire({ tokens: 1 });
    const second = limiter.acquire({ tokens: 1 });
    expect(await status(second)).toBe('pending');
    first.settle({ sent: true, status: 200 });
    expect(await status(second)).toBe('fulfilled');
    await limiter.close();
  });

  it('never has more than P in flight under a burst', async () => {
    const limiter = new TierLimiter(limits({ parallel: 3 }), { windowMs: 200 });
    let inFlight = 0;
    let most = 0;
    const call = async () => {
      const grant: Grant = await limiter.acquire({ tokens: 1 });
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight -= 1;
      grant.settle({ sent: true });
    };
    await Promise.all(Array.from({ length: 30 }, call));
    expect(most).toBe(3);
    await limiter.close();
  });

  it('counts a settle called twice only once', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1, rpm: 5 }), { windowMs: 200 });
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true });
    grant.settle({ sent: true });
    expect(limiter.state()).toMatchObject({ inFlight: 0, requests: { used: 1 } });
    await limiter.close();
  });
});
