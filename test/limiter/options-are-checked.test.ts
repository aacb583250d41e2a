import { describe, expect, it } from 'vitest';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';

describe('limiter options and calls', () => {
  it('names the option and echoes the value when it is wrong', () => {
    expect(() => new TierLimiter(limits({}), { onLimit: 'drop' as 'queue' })).toThrow(
      "onLimit must be 'queue' or 'reject', got drop (string)",
    );
    expect(() => new TierLimiter(limits({}), { windowMs: 0 })).toThrow(
      'windowMs must be positive, finite, got 0 (number)',
    );
    expect(() => new TierLimiter(limits({}), { maxWaitMs: -1 })).toThrow(
      'maxWaitMs must be a non-negative number, got -1 (number)',
    );
    expect(() => new TierLimiter(limits({}), { spend: Number.NaN })).toThrow('spend');
    expect(() => new TierLimiter(limits({ tpm: -5 }))).toThrow('limits.tpm');
  });

  it('refuses a call whose token count is not a non-negative number', async () => {
    const limiter = new TierLimiter(limits({}));
    await expect(limiter.acquire({ tokens: Number.NaN })).rejects.toThrow(
      'tokens must be a non-negative number, got NaN (number)',
    );
    await limiter.close();
  });

  it('treats a maxWaitMs beyond what a timer can hold as no deadline', async () => {
    const limiter = new TierLimiter(limits({ parallel: 1 }), { maxWaitMs: 2 ** 40 });
    await limiter.acquire({ tokens: 1 });
    const waiting = limiter.acquire({ tokens: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(limiter.state().queued).toBe(1);
    await limiter.close();
    await waiting.catch(() => undefined);
  });

  it('ignores a throwing event listener', async () => {
    const limiter = new TierLimiter(limits({ rpm: 0 }), {
      emit: () => {
        throw new Error('listener bug');
      },
    });
    await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    await limiter.close();
  });
});
