import { describe, expect, it } from 'vitest';
import { TierClient } from '../../../src/index';
import { ask, settleAll, statsOf, useTierGateway, WINDOW_MS } from './kit';

describe('what the gateway answers feeds the limiter back', () => {
  const ctx = useTierGateway();

  it('pauses after a gateway 429 and retries the call once the window has passed', async () => {
    const { client, token, key } = await ctx.keyed({ rpm_limit: 2 });
    // Another holder of the same key, without a limiter, spends the window first.
    const other = new TierClient({ baseUrl: ctx.gateway.url, apiKey: key, maxRetries: 0 });
    await other.chatCompletions(ask());
    await other.chatCompletions(ask());

    const retries: number[] = [];
    client.on('retry', (e) => retries.push(e.delayMs));
    await expect(client.chatCompletions(ask())).resolves.toMatchObject({ object: 'chat.completion' });
    expect(retries).toHaveLength(1);
    expect(statsOf(ctx, token).refused.requests).toBe(1);
    await other.close();
  });

  it('tightens its view from remaining-requests when another client shares the key', async () => {
    const { client, token, key } = await ctx.keyed({ rpm_limit: 6 });
    const other = new TierClient({ baseUrl: ctx.gateway.url, apiKey: key, maxRetries: 0 });
    await client.chatCompletions(ask());
    for (let i = 0; i < 3; i += 1) await other.chatCompletions(ask());
    await client.chatCompletions(ask()); // its answer says 1 request remains
    const state = client.limiterState();
    expect(state?.requests.foreign).toBeGreaterThanOrEqual(3);

    const result = await settleAll(Array.from({ length: 4 }, () => client.chatCompletions(ask())));
    expect(result.ok).toBe(4);
    expect(statsOf(ctx, token).refused.requests).toBe(0);
    await other.close();
  });

  it('adopts the limit the gateway reports when it differs from what the client was told',
    async () => {
      // The key's own rpm is 50, but the tier's 3 wins on this proxy (tier-over-key).
      const { client, token } = await ctx.keyed({ rpm_limit: 3 }, { keyLimits: { rpm_limit: 50 },
        tier: null });
      await client.chatCompletions(ask());
      expect(client.limiterState()?.limits.rpm).toBe(3);
      const result = await settleAll(Array.from({ length: 6 }, () => client.chatCompletions(ask())));
      expect(result.ok).toBe(6);
      expect(statsOf(ctx, token).refused.requests).toBe(0);
    });

  it('re-reads a zero tier at most once a window, so a raised tier is seen', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 0 });
    await expect(client.chatCompletions(ask())).rejects.toMatchObject({ source: 'client' });
    const budgetId = (await ctx.admin.getKeyInfo(token)).info.budget_id as string;
    await ctx.admin.updateBudget({ budget_id: budgetId, rpm_limit: 5 });

    await new Promise((r) => setTimeout(r, WINDOW_MS * 1.5));
    await expect(client.chatCompletions(ask())).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('applies a raised tier at once with refreshTier()', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 0 });
    const budgetId = (await ctx.admin.getKeyInfo(token)).info.budget_id as string;
    await ctx.admin.updateBudget({ budget_id: budgetId, rpm_limit: 2 });
    await client.refreshTier();
    expect(client.limiterState()?.limits.rpm).toBe(2);
    await expect(client.chatCompletions(ask())).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
