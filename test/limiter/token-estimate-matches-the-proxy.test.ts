import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/limiter/estimate';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'm',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('estimateTokens', () => {
  it('adds max_tokens to a quarter of the prompt characters', () => {
    expect(estimateTokens(chat('x'.repeat(41), { max_tokens: 10 }), 1000)).toBe(20);
  });

  it('uses max_completion_tokens when max_tokens is absent', () => {
    expect(estimateTokens(chat('x'.repeat(8), { max_completion_tokens: 5 }), null)).toBe(7);
  });

  it('falls back to a quarter of the smallest tpm, at most 1024, without a cap', () => {
    expect(estimateTokens(chat('hello'), 100)).toBe(25);
    expect(estimateTokens(chat('hello'), 1_000_000)).toBe(1024);
    expect(estimateTokens(chat('hello'), null)).toBe(1024);
    expect(estimateTokens(chat('x'.repeat(400)), 100)).toBe(100);
  });

  it('multiplies by n', () => {
    expect(estimateTokens(chat('x'.repeat(4), { max_tokens: 3, n: 3 }), null)).toBe(12);
  });

  it('counts text parts, completion prompts and embedding inputs', () => {
    const parts = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image_url' }] },
      ],
      max_tokens: 0,
    };
    expect(estimateTokens(parts, null)).toBe(1);
    expect(estimateTokens({ prompt: ['abcd', 'efgh'], max_tokens: 1 }, null)).toBe(3);
    expect(estimateTokens({ input: 'x'.repeat(40) }, 8)).toBe(10);
  });

  it('reads numeric strings and ignores a body that is not an object', () => {
    expect(estimateTokens(chat('', { max_tokens: '6' }), null)).toBe(6);
    expect(estimateTokens(undefined, 40)).toBe(10);
  });

  it('is what a limiter estimates under its own limits, per model', async () => {
    const limiter = new TierLimiter(
      limits({ tpm: 400, models: { small: { rpm: null, tpm: 40, maxBudget: null } } }),
    );
    expect(limiter.estimate(chat('hello'))).toBe(100);
    expect(limiter.estimate({ ...chat('hello'), model: 'small' })).toBe(10);
    await limiter.close();
  });
});
