import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TierLimits } from '../../src/limiter/limits';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { flush, limits, status } from './support/flush';

afterEach(() => {
  vi.useRealTimers();
});

describe('re-reading the tier while it shuts the limiter', () => {
  it('reloads on a zero-limit refusal, at most once a window, and sees a raised tier', async () => {
    let served: TierLimits = limits({ rpm: 0 });
    const reload = vi.fn(async () => ({ limits: served, spend: 0 }));
    const limiter = new TierLimiter(limits({ rpm: 0 }), { windowMs: 200, reload });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    expect(reload).toHaveBeenCalledTimes(1);
    served = limits({ rpm: 5 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    expect(reload).toHaveBeenCalledTimes(1); // at most once a window
    await new Promise((r) => setTimeout(r, 230)); // the next window's re-read sees rpm 5
    expect(reload).toHaveBeenCalledTimes(2);
    await expect(limiter.acquire({ tokens: 1 })).resolves.toBeDefined();
    expect(limiter.state().limits.rpm).toBe(5);
    await limiter.close();
  });

  it('reloads at budget_reset_at while the budget is spent, then admits again', async () => {
    vi.useFakeTimers();
    const resetAt = Date.now() + 30_000;
    // The gateway resets the key's spend at resetAt and moves the reset a day on.
    const reload = vi.fn(async () => {
      const reset = Date.now() >= resetAt;
      const next = reset ? resetAt + 86_400_000 : resetAt;
      return { limits: limits({ maxBudget: 1, budgetResetAt: next }), spend: reset ? 0 : 1 };
    });
    const limiter = new TierLimiter(limits({ maxBudget: 1, budgetResetAt: resetAt }), {
      spend: 1,
      windowMs: 60_000,
      reload,
    });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'budget' });
    expect(reload).toHaveBeenCalledTimes(1); // the refusal's own re-read: still spent
    await vi.advanceTimersByTimeAsync(29_000);
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'budget' });
    expect(reload).toHaveBeenCalledTimes(1); // less than a window since the last re-read
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reload).toHaveBeenCalledTimes(2); // at budget_reset_at, whatever the window
    await expect(limiter.acquire({ tokens: 1 })).resolves.toBeDefined();
    expect(limiter.state()).toMatchObject({ spend: 0, budgetSpent: false });
    await limiter.close();
  });

  it('re-reads once a window while shut, even when no call comes to ask', async () => {
    vi.useFakeTimers();
    let served: TierLimits = limits({ rpm: 0 });
    const reload = vi.fn(async () => ({ limits: served, spend: 0 }));
    const limiter = new TierLimiter(limits({ rpm: 0 }), { windowMs: 1000, reload });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    await vi.advanceTimersByTimeAsync(2500);
    expect(reload).toHaveBeenCalledTimes(3); // at the refusal, then at 1 s and 2 s
    served = limits({ rpm: 4 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(reload).toHaveBeenCalledTimes(4);
    expect(limiter.state().limits.rpm).toBe(4);
    await vi.advanceTimersByTimeAsync(5000);
    expect(reload).toHaveBeenCalledTimes(4); // open again: no more polling
    expect(vi.getTimerCount()).toBe(0);
    await limiter.close();
  });

  it('keeps the limits when a reload fails, and tries again a window later', async () => {
    const reload = vi.fn(async (): Promise<{ limits: TierLimits; spend: number }> => {
      throw new Error('network down');
    });
    const limiter = new TierLimiter(limits({ tpm: 0 }), { windowMs: 100, reload });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'tokens' });
    await flush();
    expect(limiter.state().limits.tpm).toBe(0);
    await new Promise((r) => setTimeout(r, 110));
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'tokens' });
    expect(reload).toHaveBeenCalledTimes(2);
    await limiter.close();
  });

  it('sends one call alone after reopening: the gateway may still hold the old tier', async () => {
    const reload = async () => ({ limits: limits({ rpm: 5 }), spend: 0 });
    const limiter = new TierLimiter(limits({ rpm: 0 }), { reload });
    await limiter.reload();
    const probe = await limiter.acquire({ tokens: 1 });
    const next = limiter.acquire({ tokens: 1 });
    expect(await status(next)).toBe('pending');
    probe.settle({ sent: true, status: 200 });
    expect(await status(next)).toBe('fulfilled');
    await expect(limiter.acquire({ tokens: 1 })).resolves.toBeDefined();
    await limiter.close();
  });

  it('stays one call at a time while the gateway still refuses with the old tier', async () => {
    const reload = async () => ({ limits: limits({ rpm: 5 }), spend: 0 });
    const limiter = new TierLimiter(limits({ rpm: 0 }), { reload, onLimit: 'reject' });
    await limiter.reload();
    const probe = await limiter.acquire({ tokens: 1 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toThrow('the tier just reopened');
    // The gateway's cache still says rpm 0: it refuses and reports that limit.
    const stale = new Headers({ 'x-litellm-key-rpm-limit': '0' });
    probe.settle({ sent: true, status: 429, headers: stale });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    expect(limiter.state().limits.rpm).toBe(0);
    await limiter.close();
  });

  it('reloads on demand through reload()', async () => {
    const reload = vi.fn(async () => ({ limits: limits({ rpm: 3 }), spend: 0.5 }));
    const limiter = new TierLimiter(limits({ rpm: 1 }), { reload });
    await limiter.reload();
    expect(limiter.state()).toMatchObject({ spend: 0.5, limits: { rpm: 3 } });
    await limiter.close();
  });
});

describe('update()', () => {
  it('lets waiting calls go at once when the tier is raised', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1 }), { windowMs: 60_000 });
    await limiter.acquire({ tokens: 1 });
    const waiting = [limiter.acquire({ tokens: 1 }), limiter.acquire({ tokens: 1 })];
    expect(await status(waiting[0] as Promise<unknown>)).toBe('pending');
    limiter.update(limits({ rpm: 3 }));
    expect(await Promise.all(waiting.map(status))).toEqual(['fulfilled', 'fulfilled']);
    await limiter.close();
  });

  it('holds new calls to a lowered tier, counting calls already made', async () => {
    const limiter = new TierLimiter(limits({ rpm: 5 }), { windowMs: 60_000, onLimit: 'reject' });
    for (let i = 0; i < 2; i += 1) (await limiter.acquire({ tokens: 1 })).settle({ sent: true });
    limiter.update(limits({ rpm: 2 }));
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    limiter.update(limits({ rpm: 3 }));
    await expect(limiter.acquire({ tokens: 1 })).resolves.toBeDefined();
    await limiter.close();
  });

  it('counts recent calls against a limit that did not exist when they were made', async () => {
    const limiter = new TierLimiter(limits({}), { windowMs: 60_000, onLimit: 'reject' });
    for (let i = 0; i < 3; i += 1) (await limiter.acquire({ tokens: 10 })).settle({ sent: true });
    limiter.update(limits({ rpm: 3, tpm: 100 }));
    expect(limiter.state().requests).toMatchObject({ limit: 3, used: 3, available: 0 });
    expect(limiter.state().tokens).toMatchObject({ limit: 100, used: 30, available: 70 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    await limiter.close();
  });

  it('refuses waiting calls that a lowered tier can never admit', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100, parallel: 1 }));
    await limiter.acquire({ tokens: 10 });
    const big = limiter.acquire({ tokens: 80 });
    const small = limiter.acquire({ tokens: 10 });
    limiter.update(limits({ tpm: 50, parallel: 1 }));
    await expect(big).rejects.toMatchObject({ limit: 'tokens', retryAfterMs: undefined });
    expect(await status(small)).toBe('pending');
    await limiter.close();
    await small.catch(() => undefined);
  });

  it('throws a TypeError naming a bad limit', () => {
    const limiter = new TierLimiter(limits({}));
    expect(() => limiter.update(limits({ rpm: -2 }))).toThrow(
      'limits.rpm must be a non-negative number or null, got -2 (number)',
    );
    void limiter.close();
  });
});
