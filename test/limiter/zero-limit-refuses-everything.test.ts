import { describe, expect, it } from 'vitest';
import { BudgetExceededError, RateLimitError } from '../../src/client/errors';
import type { TierLimits } from '../../src/limiter/limits';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';

const model = (rpm: number | null, tpm: number | null) => ({ m: { rpm, tpm, maxBudget: null } });

const cases: Array<[string, Partial<TierLimits>, string, string]> = [
  ['rpm_limit', { rpm: 0 }, 'requests', 'rpm_limit 0'],
  ['tpm_limit', { tpm: 0 }, 'tokens', 'tpm_limit 0'],
  ['max_parallel_requests', { parallel: 0 }, 'parallel', 'max_parallel_requests 0'],
  ['a model’s rpm_limit', { models: model(0, null) }, 'model_requests', 'rpm_limit 0 for model m'],
  ['a model’s tpm_limit', { models: model(null, 0) }, 'model_tokens', 'tpm_limit 0 for model m'],
];

describe('a limit of 0', () => {
  for (const onLimit of ['queue', 'reject'] as const) {
    for (const [name, some, limit, words] of cases) {
      it(`refuses every call at once when ${name} is 0 (${onLimit} mode)`, async () => {
        const limiter = new TierLimiter(limits(some), { onLimit, windowMs: 500 });
        for (let i = 0; i < 3; i += 1) {
          const error = await limiter.acquire({ tokens: 1, model: 'm' }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(RateLimitError);
          expect(error).toMatchObject({ source: 'client', limit, status: undefined });
          expect((error as Error).message).toContain(words);
        }
        expect(limiter.state()).toMatchObject({ inFlight: 0, queued: 0 });
        expect(limiter.state().requests.used).toBe(0);
        await limiter.close();
      });
    }

    it(`refuses every call at once when max_budget is 0 (${onLimit} mode)`, async () => {
      const limiter = new TierLimiter(limits({ maxBudget: 0 }), { onLimit });
      const error = await limiter.acquire({ tokens: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect(error).toMatchObject({ source: 'client', limit: 'budget', maxBudget: 0, spend: 0 });
      await limiter.close();
    });
  }

  it('says when to retry: after the next tier re-read, or not until the tier changes', async () => {
    const reload = async () => ({ limits: limits({ rpm: 0 }), spend: 0 });
    const reloading = new TierLimiter(limits({ rpm: 0 }), { windowMs: 500, reload });
    await expect(reloading.acquire({ tokens: 1 })).rejects.toMatchObject({ retryAfterMs: 500 });
    const fixed = new TierLimiter(limits({ rpm: 0 }), { windowMs: 500 });
    const error = await fixed.acquire({ tokens: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryAfterMs: undefined });
    expect((error as Error).message).toContain('will not help until the tier changes');
    await reloading.close();
    await fixed.close();
  });
});
