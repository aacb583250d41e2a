import { describe, expect, it } from 'vitest';
import { ask, settleAll, statsOf, useTierGateway } from './kit';

describe('per-model limits against the gateway over HTTP', () => {
  const ctx = useTierGateway();

  it("keeps a model's rpm below the key's, so the gateway refuses none", async () => {
    const { client, token } = await ctx.keyed({
      rpm_limit: 50,
      model_max_budget: { 'fake-gpt': { rpm_limit: 3 } },
    });
    const result = await settleAll(Array.from({ length: 9 }, () => client.chatCompletions(ask())));
    expect(result.ok).toBe(9);
    const stats = statsOf(ctx, token);
    expect(stats.refusedTotal).toBe(0);
    expect(stats.maxAdmittedInAnyWindow).toBeLessThanOrEqual(3);
  });
});
