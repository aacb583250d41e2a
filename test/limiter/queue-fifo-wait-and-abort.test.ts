import { describe, expect, it } from 'vitest';
import { APIUserAbortError, RateLimitError } from '../../src/client/errors';
import type { LimiterEvent } from '../../src/limiter/events';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { flush, limits, status } from './support/flush';

describe("onLimit: 'queue'", () => {
  it('grants waiting calls in FIFO order', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1 }), { windowMs: 100 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const grant = await limiter.acquire({ tokens: 1 });
        order.push(i);
        grant.settle({ sent: true });
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    await limiter.close();
  });

  it('keeps FIFO across models: a later call does not overtake a waiting one', async () => {
    const limiter = new TierLimiter(
      limits({ parallel: 1, models: { a: { rpm: 1, tpm: null, maxBudget: null } } }),
      { windowMs: 200 },
    );
    const first = await limiter.acquire({ tokens: 1, model: 'a' });
    const order: string[] = [];
    const a = limiter.acquire({ tokens: 1, model: 'a' }).then((g) => (order.push('a'), g));
    const b = limiter.acquire({ tokens: 1, model: 'b' }).then((g) => (order.push('b'), g));
    first.settle({ sent: true });
    (await a).settle({ sent: true });
    (await b).settle({ sent: true });
    expect(order).toEqual(['a', 'b']);
    await limiter.close();
  });

  it('refuses at once a call predicted to wait past maxWaitMs, saying when to retry', async () => {
    const limiter = new TierLimiter(limits({ rpm: 2 }), { windowMs: 1000, maxWaitMs: 200 });
    const grants = [await limiter.acquire({ tokens: 1 }), await limiter.acquire({ tokens: 1 })];
    for (const grant of grants) grant.settle({ sent: true });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ source: 'client', limit: 'requests' });
    const retryAfterMs = (error as RateLimitError).retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(500);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    expect((error as Error).message).toMatch(/rpm_limit 2 reached: it would wait about \d+ ms/);
    expect(limiter.state().queued).toBe(0);
    await limiter.close();
  });

  it('predicts that a slot held by a call in flight is back no sooner than a window', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1 }), { windowMs: 1000, maxWaitMs: 500 });
    await limiter.acquire({ tokens: 1 }); // in flight, not settled
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ retryAfterMs: 1000 });
    await limiter.close();
  });

  it('refuses a call still waiting when maxWaitMs runs out', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1 }), { maxWaitMs: 80 });
    const held = await limiter.acquire({ tokens: 1 });
    const started = performance.now();
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(79);
    expect(error).toMatchObject({ name: 'RateLimitError', limit: 'parallel', source: 'client' });
    expect((error as Error).message).toContain('waited maxWaitMs 80 ms');
    expect(limiter.state().queued).toBe(0);
    held.settle({ sent: true });
    await limiter.close();
  });

  it('removes an aborted waiting call without sending it, and the next one moves up', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1 }));
    const held = await limiter.acquire({ tokens: 1 });
    const controller = new AbortController();
    const aborted = limiter.acquire({ tokens: 1, signal: controller.signal });
    const next = limiter.acquire({ tokens: 1 });
    expect(limiter.state().queued).toBe(2);
    controller.abort(new Error('user left'));
    await expect(aborted).rejects.toBeInstanceOf(APIUserAbortError);
    expect(limiter.state().queued).toBe(1);
    held.settle({ sent: true });
    expect(await status(next)).toBe('fulfilled');
    expect(limiter.state()).toMatchObject({ inFlight: 1, requests: { used: 2 } });
    await limiter.close();
  });

  it('rejects at once a call whose signal is already aborted', async () => {
    const limiter = new TierLimiter(limits({}));
    const call = limiter.acquire({ tokens: 1, signal: AbortSignal.abort() });
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(limiter.state().inFlight).toBe(0);
    await limiter.close();
  });

  it('emits queued and throttled with the limit and the predicted wait', async () => {
    const events: LimiterEvent[] = [];
    const limiter = new TierLimiter(limits({ rpm: 1 }), {
      windowMs: 1000,
      emit: (event) => events.push(event),
    });
    const grant = await limiter.acquire({ tokens: 3 });
    grant.settle({ sent: true });
    const waiting = limiter.acquire({ tokens: 3, model: 'm' });
    expect(events[0]).toEqual({ type: 'queued', model: 'm', tokens: 3, position: 1 });
    expect(events[1]).toMatchObject({ type: 'throttled', limit: 'requests', model: undefined });
    expect((events[1] as { waitMs: number }).waitMs).toBeGreaterThan(500);
    await limiter.close();
    await waiting.catch(() => undefined);
  });
});

describe("onLimit: 'reject'", () => {
  it('refuses a call that cannot go now, with retryAfterMs until a slot comes back', async () => {
    const events: LimiterEvent[] = [];
    const limiter = new TierLimiter(limits({ rpm: 1 }), {
      onLimit: 'reject',
      windowMs: 300,
      emit: (event) => events.push(event),
    });
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RateLimitError', source: 'client', limit: 'requests' });
    const retryAfterMs = (error as RateLimitError).retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(100);
    expect(retryAfterMs).toBeLessThanOrEqual(300);
    expect(events).toEqual([{ type: 'refused', error }]);
    await new Promise((r) => setTimeout(r, retryAfterMs + 5));
    await expect(limiter.acquire({ tokens: 1 })).resolves.toBeDefined();
    await limiter.close();
  });

  it('refuses a call held back by the parallel cap, with no delay it cannot know', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1 }), { onLimit: 'reject' });
    await limiter.acquire({ tokens: 1 });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ limit: 'parallel', retryAfterMs: undefined });
    expect((error as Error).message).toContain('retry when a call in flight ends');
    await flush();
    await limiter.close();
  });
});
