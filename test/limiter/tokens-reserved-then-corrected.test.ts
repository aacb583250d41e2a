import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/client/errors';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { flush, limits, status } from './support/flush';

const windowMs = 300;

describe('tpm_limit', () => {
  it('reserves the estimate before the call leaves, so a second call waits', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    await limiter.acquire({ tokens: 60 });
    expect(limiter.state().tokens).toMatchObject({ used: 60, available: 40 });
    const second = limiter.acquire({ tokens: 50 });
    expect(await status(second)).toBe('pending');
    await limiter.close();
    await expect(second).rejects.toThrow('closed');
  });

  it('gives back the excess at once when the real usage is lower', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    const first = await limiter.acquire({ tokens: 60 });
    const second = limiter.acquire({ tokens: 50 });
    const usage = { prompt_tokens: 7, completion_tokens: 13, total_tokens: 20 };
    first.settle({ sent: true, usage });
    expect(await status(second)).toBe('fulfilled');
    expect(limiter.state().tokens).toMatchObject({ used: 70, available: 30 });
    await limiter.close();
  });

  it('charges the shortfall when the real usage is higher', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    const first = await limiter.acquire({ tokens: 30 });
    const usage = { prompt_tokens: 10, completion_tokens: 80, total_tokens: 90 };
    first.settle({ sent: true, usage });
    expect(limiter.state().tokens).toMatchObject({ used: 90, available: 10 });
    const second = limiter.acquire({ tokens: 20 });
    expect(await status(second)).toBe('pending');
    await expect(second).resolves.toBeDefined(); // a window later
    expect(limiter.state().tokens.used).toBe(20);
    await limiter.close();
  });

  it('charges the shortfall before a waiting call is let in, even when limits change', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100, rpm: 10, parallel: 1 }), { windowMs });
    const first = await limiter.acquire({ tokens: 30 });
    const waiting = limiter.acquire({ tokens: 50 }); // waits for the parallel slot
    expect(await status(waiting)).toBe('pending');
    first.settle({
      sent: true,
      usage: { prompt_tokens: 10, completion_tokens: 80, total_tokens: 90 },
      headers: new Headers({ 'x-litellm-key-rpm-limit': '50' }),
    });
    expect(await status(waiting)).toBe('pending');
    expect(limiter.state().tokens).toMatchObject({ used: 90, available: 10 });
    await limiter.close();
    await waiting.catch(() => undefined);
  });

  it('charges at least one token plus the completion, as 1.80.7 counts', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    const grant = await limiter.acquire({ tokens: 2 });
    grant.settle({ sent: true, usage: { completion_tokens: 5 } });
    expect(limiter.state().tokens.used).toBe(6);
    await limiter.close();
  });

  it('keeps the whole reservation when the answer carries no usage', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    const grant = await limiter.acquire({ tokens: 40 });
    grant.settle({ sent: true, status: 500 });
    expect(limiter.state().tokens.used).toBe(40);
    await limiter.close();
  });

  it('gives everything back at once when the call never reached the gateway', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100, rpm: 1 }), { windowMs });
    const grant = await limiter.acquire({ tokens: 100 });
    grant.settle({ sent: false });
    expect(limiter.state().tokens.used).toBe(0);
    expect(limiter.state().requests.used).toBe(0);
    expect(await status(limiter.acquire({ tokens: 100 }))).toBe('fulfilled');
    await limiter.close();
  });

  it('refuses at once, in both modes, a call whose estimate can never fit', async () => {
    for (const onLimit of ['queue', 'reject'] as const) {
      const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs, onLimit });
      const refusal = limiter.acquire({ tokens: 101 });
      const error = await refusal.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ source: 'client', limit: 'tokens', retryAfterMs: undefined });
      expect((error as Error).message).toContain('tpm_limit 100');
      expect(limiter.state().queued).toBe(0);
      await limiter.close();
    }
  });

  it('gives the tokens back a window after the call settles', async () => {
    const limiter = new TierLimiter(limits({ tpm: 100 }), { windowMs });
    const grant = await limiter.acquire({ tokens: 100 });
    const settledAt = performance.now();
    grant.settle({ sent: true, usage: { total_tokens: 100 } });
    await limiter.acquire({ tokens: 1 });
    expect(performance.now() - settledAt).toBeGreaterThanOrEqual(windowMs - 1);
    await flush();
    await limiter.close();
  });
});
