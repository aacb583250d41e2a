import { gateway429 } from './support/gateway-refusal';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, RateLimitError } from '../../src/client/errors';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { headers, limits, status } from './support/flush';


describe('feedback from the gateway at settle', () => {
  it('pauses every call after a gateway 429 until its retry delay has passed', async () => {
    const limiter = new TierLimiter(limits({ rpm: 100 }), { windowMs: 1000 });
    const grant = await limiter.acquire({ tokens: 1 });
    const settledAt = performance.now();
    grant.settle({ sent: true, status: 429, error: gateway429(150) });
    expect(limiter.state().pausedForMs).toBeGreaterThan(100);
    await limiter.acquire({ tokens: 1 });
    expect(performance.now() - settledAt).toBeGreaterThanOrEqual(149);
    await limiter.close();
  });

  it('refuses during the pause in reject mode, with the time left', async () => {
    const limiter = new TierLimiter(limits({}), { onLimit: 'reject' });
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({ sent: true, status: 429, error: gateway429(5000) });
    const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ source: 'client', limit: 'requests' });
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(4900);
    expect((error as Error).message).toContain('the gateway answered 429');
    await limiter.close();
  });

  it('pauses for retry-after when a 429 comes without a typed error', async () => {
    const limiter = new TierLimiter(limits({}), { onLimit: 'reject' });
    (await limiter.acquire({ tokens: 1 })).settle({
      sent: true,
      status: 429,
      headers: headers({ 'retry-after': '2' }),
    });
    expect(limiter.state().pausedForMs).toBeGreaterThan(1900);
    await limiter.close();
  });

  it('tightens its view when remaining-requests says other clients used the key', async () => {
    const limiter = new TierLimiter(limits({ rpm: 10 }), { windowMs: 60_000, onLimit: 'reject' });
    const grant = await limiter.acquire({ tokens: 1 });
    grant.settle({
      sent: true,
      status: 200,
      headers: headers({ 'x-ratelimit-api_key-remaining-requests': '2' }),
    });
    expect(limiter.state().requests).toMatchObject({ used: 1, foreign: 7, available: 2 });
    await limiter.acquire({ tokens: 1 });
    await limiter.acquire({ tokens: 1 });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    await limiter.close();
  });

  it('does not tighten when remaining-requests agrees with its own count', async () => {
    const limiter = new TierLimiter(limits({ rpm: 3, tpm: 100 }), { windowMs: 60_000 });
    const grants = await Promise.all([1, 2, 3].map(() => limiter.acquire({ tokens: 10 })));
    grants.forEach((grant, i) =>
      grant.settle({
        sent: true,
        usage: { total_tokens: 10 },
        headers: headers({
          'x-ratelimit-api_key-remaining-requests': String(2 - i),
          'x-ratelimit-api_key-remaining-tokens': String(99 - 10 * i),
        }),
      }),
    );
    expect(limiter.state().requests.foreign).toBe(0);
    expect(limiter.state().tokens.foreign).toBe(0);
    await limiter.close();
  });

  it('tightens tokens from remaining-tokens', async () => {
    const limiter = new TierLimiter(limits({ tpm: 1000 }), { windowMs: 60_000, onLimit: 'reject' });
    (await limiter.acquire({ tokens: 10 })).settle({
      sent: true,
      usage: { total_tokens: 10 },
      headers: headers({ 'x-ratelimit-api_key-remaining-tokens': '100' }),
    });
    expect(limiter.state().tokens.available).toBe(100);
    await expect(limiter.acquire({ tokens: 101 })).rejects.toMatchObject({ limit: 'tokens' });
    await limiter.close();
  });

  it('adopts the limits the gateway says it enforces, raising or lowering', async () => {
    const limiter = new TierLimiter(limits({ rpm: 5, tpm: 50, maxBudget: 1 }));
    (await limiter.acquire({ tokens: 1 })).settle({
      sent: true,
      headers: headers({
        'x-litellm-key-rpm-limit': '3',
        'x-ratelimit-api_key-limit-tokens': '500',
        'x-litellm-key-max-budget': '100.0',
      }),
    });
    expect(limiter.state().limits).toMatchObject({ rpm: 3, tpm: 500, maxBudget: 100 });
    expect(limiter.state().requests.limit).toBe(3);
    await limiter.close();
  });

  it('adopts a model’s limits from the model_per_key headers', async () => {
    const limiter = new TierLimiter(limits({}), { onLimit: 'reject' });
    (await limiter.acquire({ tokens: 1, model: 'm' })).settle({
      sent: true,
      headers: headers({
        'x-ratelimit-model_per_key-limit-requests': '1',
        'x-ratelimit-model_per_key-remaining-requests': '0',
      }),
    });
    await expect(limiter.acquire({ tokens: 1, model: 'm' })).rejects.toMatchObject({
      limit: 'model_requests',
      model: 'm',
    });
    await limiter.close();
  });

  it('marks only the model spent on a gateway "exceeded budget for model" answer', async () => {
    const limiter = new TierLimiter(limits({}));
    const error = new BudgetExceededError({
      source: 'gateway',
      limit: 'model_budget',
      model: 'm',
      status: 400,
      body: undefined,
      headers: undefined,
      message: 'exceeded budget for model=m',
      method: 'POST',
      path: '/chat/completions',
    });
    (await limiter.acquire({ tokens: 1, model: 'm' })).settle({ sent: true, status: 400, error });
    await expect(limiter.acquire({ tokens: 1, model: 'm' })).rejects.toMatchObject({
      limit: 'model_budget',
    });
    expect(await status(limiter.acquire({ tokens: 1, model: 'other' }))).toBe('fulfilled');
    await limiter.close();
  });
});
