import { describe, expect, it } from 'vitest';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { headers, limits, status } from './support/flush';

const model = (rpm: number | null, tpm: number | null, maxBudget: number | null) => ({
  rpm,
  tpm,
  maxBudget,
});

describe('per-model limits (model_max_budget)', () => {
  it('holds a model to its own rpm while other models still go', async () => {
    const limiter = new TierLimiter(limits({ rpm: 10, models: { a: model(1, null, null) } }), {
      windowMs: 500,
    });
    await limiter.acquire({ tokens: 1, model: 'a' });
    const secondA = limiter.acquire({ tokens: 1, model: 'a' });
    expect(await status(secondA)).toBe('pending');
    await limiter.close();
    await secondA.catch(() => undefined);
    const other = new TierLimiter(limits({ rpm: 10, models: { a: model(1, null, null) } }), {
      windowMs: 500,
      onLimit: 'reject',
    });
    await other.acquire({ tokens: 1, model: 'a' });
    await expect(other.acquire({ tokens: 1, model: 'a' })).rejects.toMatchObject({
      limit: 'model_requests',
      model: 'a',
    });
    await expect(other.acquire({ tokens: 1, model: 'b' })).resolves.toBeDefined();
    await other.close();
  });

  it('still applies the key’s limit on top of the model’s', async () => {
    const limiter = new TierLimiter(limits({ rpm: 1, models: { a: model(5, null, null) } }), {
      onLimit: 'reject',
    });
    await limiter.acquire({ tokens: 1, model: 'a' });
    await expect(limiter.acquire({ tokens: 1, model: 'a' })).rejects.toMatchObject({
      limit: 'requests',
    });
    await limiter.close();
  });

  it('holds a model to its own tpm, refusing a call larger than it at once', async () => {
    const limiter = new TierLimiter(limits({ tpm: 1000, models: { a: model(null, 100, null) } }), {
      onLimit: 'reject',
    });
    await expect(limiter.acquire({ tokens: 101, model: 'a' })).rejects.toMatchObject({
      limit: 'model_tokens',
      model: 'a',
      retryAfterMs: undefined,
    });
    await limiter.acquire({ tokens: 80, model: 'a' });
    await expect(limiter.acquire({ tokens: 30, model: 'a' })).rejects.toMatchObject({
      limit: 'model_tokens',
    });
    await expect(limiter.acquire({ tokens: 300, model: 'b' })).resolves.toBeDefined();
    await limiter.close();
  });

  it('refuses a model whose own budget is spent, and only that model', async () => {
    const limiter = new TierLimiter(limits({ models: { a: model(null, null, 0.02) } }));
    for (let i = 0; i < 2; i += 1) {
      const grant = await limiter.acquire({ tokens: 1, model: 'a' });
      grant.settle({ sent: true, headers: headers({ 'x-litellm-response-cost': '0.017' }) });
    }
    await expect(limiter.acquire({ tokens: 1, model: 'a' })).rejects.toMatchObject({
      name: 'BudgetExceededError',
      limit: 'model_budget',
      model: 'a',
      source: 'client',
    });
    await expect(limiter.acquire({ tokens: 1, model: 'b' })).resolves.toBeDefined();
    expect(limiter.state().models['a']?.spend).toBeCloseTo(0.034);
    await limiter.close();
  });
});
