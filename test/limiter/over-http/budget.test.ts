import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../../src/index';
import { ask, statsOf, useTierGateway } from './kit';

describe('max_budget and soft_budget against the gateway over HTTP', () => {
  const ctx = useTierGateway();

  it('refuses locally once spend reaches max_budget, and warns once at soft_budget', async () => {
    // fake-gpt costs 0.017 USD a call (7 prompt and 5 completion tokens).
    const { client, token } = await ctx.keyed({ max_budget: 0.05, soft_budget: 0.03 });
    const warnings: number[] = [];
    client.on('budgetWarning', (e) => warnings.push(e.spend));

    const outcomes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      outcomes.push(await client.chatCompletions(ask()).then(
        () => 'ok',
        (e: unknown) => (e instanceof BudgetExceededError ? `refused:${e.source}` : String(e)),
      ));
    }
    // Like the proxy, the call that crosses the budget still goes; the next ones do not.
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'refused:client', 'refused:client']);
    expect(warnings).toHaveLength(1);
    expect(statsOf(ctx, token)).toMatchObject({ arrived: 3, refusedTotal: 0 });
    expect(client.limiterState()?.budgetSpent).toBe(true);
  });

  it('refuses at once when max_budget is 0', async () => {
    const { client, token } = await ctx.keyed({ max_budget: 0 });
    await expect(client.chatCompletions(ask())).rejects.toMatchObject({
      name: 'BudgetExceededError',
      source: 'client',
      limit: 'budget',
    });
    expect(ctx.gateway.stats().keys[token]).toBeUndefined();
  });

  it("keeps a per-model budget from the tier's model_max_budget", async () => {
    const { client, token } = await ctx.keyed({
      model_max_budget: { 'fake-gpt': { max_budget: 0.02 } },
    });
    await client.chatCompletions(ask());
    await client.chatCompletions(ask());
    await expect(client.chatCompletions(ask())).rejects.toMatchObject({
      name: 'BudgetExceededError',
      source: 'client',
      limit: 'model_budget',
      model: 'fake-gpt',
    });
    expect(statsOf(ctx, token).refusedTotal).toBe(0);
  });

  it('tracks spend from usage and prices where cost headers are hidden, as in a browser',
    async () => {
      // A page cannot read the gateway's headers: this transport drops them all.
      const hidden: typeof fetch = async (input, init) => {
        const answer = await fetch(input, init);
        const type = answer.headers.get('content-type') ?? 'application/json';
        const headers = { 'content-type': type };
        return new Response(answer.body, { status: answer.status, headers });
      };
      const prices = { 'fake-gpt': { prompt: 0.001, completion: 0.002 } };
      const { client, token } = await ctx.keyed({ max_budget: 0.05 }, { fetch: hidden, prices });

      const outcomes: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        outcomes.push(await client.chatCompletions(ask()).then(
          () => 'ok',
          (e: unknown) => (e instanceof BudgetExceededError ? `refused:${e.source}` : String(e)),
        ));
      }
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'refused:client']);
      expect(statsOf(ctx, token)).toMatchObject({ arrived: 3, refusedTotal: 0 });
    });
});
