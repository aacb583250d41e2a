import { describe, expect, it } from 'vitest';
import { startGateway } from '../../src/gateway/index';
import { resolveOptions } from '../../src/gateway/options';

/** Gateway options: the defaults reproduce 1.80.7; wrong values are named and echoed. */

describe('gateway options', () => {
  it('default to the behaviour recorded from LiteLLM 1.80.7', () => {
    expect(resolveOptions()).toMatchObject({
      windowMs: 60_000,
      budgetExceededStatus: 400,
      embedTierOnGenerate: true,
      precedence: 'tier',
      tokenAccounting: 'after',
      tierCacheMs: 60_000,
      exposeHeaders: false,
      promptTokens: 7,
      completionTokens: 5,
      latencyMs: 0,
      prices: { 'fake-gpt': { prompt: 0.001, completion: 0.002 } },
    });
    expect(resolveOptions().masterKey).toMatch(/^sk-master-[0-9a-f]{32}$/);
  });

  it('name the option, echo the value and its type when a value is wrong', () => {
    expect(() => resolveOptions({ windowMs: -5 })).toThrow(
      'gateway option windowMs must be a number >= 0, got -5 (number)',
    );
    expect(() => resolveOptions({ windowMs: 0 })).toThrow('windowMs must be > 0');
    expect(() => resolveOptions({ budgetExceededStatus: 500 as 400 })).toThrow(
      'budgetExceededStatus must be one of 400, 429, got 500 (number)',
    );
    expect(() => resolveOptions({ precedence: 'team' as 'tier' })).toThrow('got "team" (string)');
    expect(() => resolveOptions({ prices: { m: { prompt: -1, completion: 0 } } })).toThrow(
      'prices["m"].prompt',
    );
  });

  it('reject a master key that does not start with sk- without printing it', () => {
    expect(() => resolveOptions({ masterKey: 'secret-value-123' })).toThrow(
      /must start with "sk-", got a 16-character string/,
    );
  });

  it('use the given master key', async () => {
    const gw = await startGateway({ masterKey: 'sk-my-own-master-key' });
    try {
      expect(gw.masterKey).toBe('sk-my-own-master-key');
      const answer = await fetch(`${gw.url}/budget/list`, {
        headers: { authorization: 'Bearer sk-my-own-master-key' },
      });
      expect(answer.status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
