import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../../src/index';
import { ask, settleAll, statsOf, useTierGateway } from './kit';

for (const tokenAccounting of ['after', 'reserve'] as const) {
  describe(`tpm_limit against a gateway that counts tokens ${tokenAccounting} the call`, () => {
    const ctx = useTierGateway({ tokenAccounting });

    it('keeps a burst inside the tokens per window, so the gateway refuses none', async () => {
      const { client, token } = await ctx.keyed({ tpm_limit: 120 });
      // Each call reserves floor(chars/4) + max_tokens = 1 + 20 and uses 7 + 5 tokens.
      const calls = Array.from({ length: 16 }, () =>
        client.chatCompletions(ask('hey', { max_tokens: 20 })));
      const result = await settleAll(calls);

      expect(result.ok).toBe(16);
      expect(statsOf(ctx, token).refused.tokens).toBe(0);
    });

    it('refuses at once a call whose estimate can never fit, sending nothing', async () => {
      const { client, token } = await ctx.keyed({ tpm_limit: 50 });
      const error = await client.chatCompletions(ask('hey', { max_tokens: 500 }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ source: 'client', limit: 'tokens' });
      expect(ctx.gateway.stats().keys[token]).toBeUndefined();
    });
  });
}
