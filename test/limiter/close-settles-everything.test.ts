import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitError, TierClientError } from '../../src/client/errors';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';

afterEach(() => {
  vi.useRealTimers();
});

describe('close()', () => {
  it('rejects every waiting call with a clear TierClientError, not a refusal', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1 }), { windowMs: 60_000 });
    await limiter.acquire({ tokens: 1 });
    const waiting = [limiter.acquire({ tokens: 1 }), limiter.acquire({ tokens: 1 })];
    await limiter.close();
    for (const call of waiting) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TierClientError);
      expect(error).not.toBeInstanceOf(RateLimitError);
      expect((error as Error).message).toBe('The tier limiter was closed; the call was not sent');
    }
  });

  it('resolves although a granted call was never settled', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1 }));
    await limiter.acquire({ tokens: 1 });
    await expect(limiter.close()).resolves.toBeUndefined();
  });

  it('clears every timer: window releases, wait deadlines, pauses and reloads', async () => {
    vi.useFakeTimers();
    const reload = async () => ({ limits: limits({ maxBudget: 1 }), spend: 1 });
    const limiter = new TierLimiter(
      limits({ rpm: 1, maxBudget: 1, budgetResetAt: Date.now() + 60_000 }),
      { windowMs: 1000, maxWaitMs: 5000, spend: 0.5, reload },
    );
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true, headers: new Headers({ 'x-litellm-response-cost': '0.6' }) });
    const waiting = limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await limiter.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(await waiting).toBeInstanceOf(TierClientError);
  });

  it('refuses calls after close, ignores a late settle, and can be called twice', async () => {
    const limiter = new TierLimiter(limits({ rpm: 2 }));
    const grant = await limiter.acquire({ tokens: 1 });
    const first = limiter.close();
    expect(limiter.close()).toBe(first);
    await first;
    grant.settle({ sent: true });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toThrow('closed');
    expect(limiter.state()).toMatchObject({ closed: true, inFlight: 0 });
  });

  it('keeps the process alive for window releases only while a call waits', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1 }), { windowMs: 60_000 });
    const wake = (limiter as unknown as { wake: { holdsProcess(): boolean } }).wake;
    (await limiter.acquire({ tokens: 1 })).settle({ sent: true });
    expect(wake.holdsProcess()).toBe(false); // a release is armed, unref'd
    const waiting = limiter.acquire({ tokens: 1 });
    expect(wake.holdsProcess()).toBe(true);
    await limiter.close();
    await waiting.catch(() => undefined);
    expect(wake.holdsProcess()).toBe(false);
  });
});
