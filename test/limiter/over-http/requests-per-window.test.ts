import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../../src/index';
import { ask, settleAll, statsOf, useTierGateway, WINDOW_MS } from './kit';

describe('rpm_limit against the gateway over HTTP', () => {
  const ctx = useTierGateway({ latencyMs: 40 });

  it('queues a burst of 4× the tier so that the gateway refuses none', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 5 });
    const result = await settleAll(Array.from({ length: 20 }, () => client.chatCompletions(ask())));

    expect(result.ok).toBe(20);
    const stats = statsOf(ctx, token);
    expect(stats.refusedTotal).toBe(0);
    expect(stats.maxAdmittedInAnyWindow).toBeLessThanOrEqual(5);
  });

  it('refuses at once in reject mode, with retryAfterMs, and the gateway still refuses none',
    async () => {
      const { client, token } = await ctx.keyed({ rpm_limit: 3 }, { onLimit: 'reject' });
      const result = await settleAll(Array.from({ length: 8 }, () => client.chatCompletions(ask())));

      expect(result.ok).toBe(3);
      expect(result.errors).toHaveLength(5);
      for (const error of result.errors) {
        expect(error).toBeInstanceOf(RateLimitError);
        expect(error).toMatchObject({ source: 'client', limit: 'requests', status: undefined });
        expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(0);
        expect((error as RateLimitError).retryAfterMs).toBeLessThanOrEqual(WINDOW_MS * 2);
      }
      expect(statsOf(ctx, token)).toMatchObject({ arrived: 3, refusedTotal: 0 });
    });

  it('refuses every call at once when rpm_limit is 0, in both modes, sending nothing', async () => {
    for (const onLimit of ['queue', 'reject'] as const) {
      const { client, token } = await ctx.keyed({ rpm_limit: 0 }, { onLimit });
      const error = await client.chatCompletions(ask()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ source: 'client', limit: 'requests' });
      expect(ctx.gateway.stats().keys[token]).toBeUndefined();
    }
  });

  it('refuses a call that would wait longer than maxWaitMs', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 2 }, { maxWaitMs: WINDOW_MS / 4 });
    const result = await settleAll(Array.from({ length: 4 }, () => client.chatCompletions(ask())));
    expect(result.ok).toBe(2);
    expect(result.errors.every((e) => e instanceof RateLimitError)).toBe(true);
    expect(statsOf(ctx, token).arrived).toBe(2);
  });

  it('removes a queued call whose signal aborts, without sending it', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 1 });
    await client.chatCompletions(ask());
    const controller = new AbortController();
    const queued = client.chatCompletions(ask(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(queued).rejects.toMatchObject({ name: 'APIUserAbortError' });
    await new Promise((r) => setTimeout(r, WINDOW_MS * 1.5));
    expect(statsOf(ctx, token).arrived).toBe(1);
  });

  it('counts embeddings and retried attempts against the same allowance', async () => {
    const { client, token } = await ctx.keyed({ rpm_limit: 3 });
    ctx.gateway.inject({ match: { path: '/v1/embeddings' }, fault: { kind: 'status', status: 503 } });
    const calls = [
      client.embeddings({ model: 'fake-gpt', input: 'a' }),
      client.embeddings({ model: 'fake-gpt', input: 'b' }),
      client.chatCompletions(ask()),
      client.chatCompletions(ask()),
    ];
    const result = await settleAll(calls);
    expect(result.ok).toBe(4);
    const stats = statsOf(ctx, token);
    expect(stats.refused.requests).toBe(0);
    expect(stats.maxAdmittedInAnyWindow).toBeLessThanOrEqual(3);
  });
});
