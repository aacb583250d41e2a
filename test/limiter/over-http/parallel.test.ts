import { describe, expect, it } from 'vitest';
import { ask, settleAll, statsOf, useTierGateway } from './kit';

describe('max_parallel_requests against the gateway over HTTP', () => {
  const ctx = useTierGateway();
  // The fake upstream takes 80 ms over each answer, so calls overlap at the gateway.
  const slow = () => ask('work [delay=0.08]');

  it("keeps a tier's parallel limit, which the gateway itself does not apply to keys", async () => {
    const { client, token } = await ctx.keyed({ max_parallel_requests: 2 });
    const result = await settleAll(Array.from({ length: 8 }, () => client.chatCompletions(slow())));
    expect(result.ok).toBe(8);
    expect(statsOf(ctx, token).maxInFlight).toBe(2);
  });

  it("keeps a key's own parallel limit, so the gateway refuses none", async () => {
    const { client, token } = await ctx.keyed({}, {}, { max_parallel_requests: 1 });
    const result = await settleAll(Array.from({ length: 5 }, () => client.chatCompletions(slow())));
    expect(result.ok).toBe(5);
    expect(statsOf(ctx, token)).toMatchObject({ maxInFlight: 1, refusedTotal: 0 });
  });

  it('counts a stream as in flight until it ends', async () => {
    const { client, token } = await ctx.keyed({ max_parallel_requests: 1 });
    const stream = await client.chatCompletions({ ...ask(), stream: true });
    const second = client.chatCompletions(slow());
    await new Promise((r) => setTimeout(r, 150));
    expect(client.limiterState()?.queued).toBe(1);
    for await (const _ of stream) void _;
    await expect(second).resolves.toMatchObject({ object: 'chat.completion' });
    expect(statsOf(ctx, token).maxInFlight).toBe(1);
  });
});
