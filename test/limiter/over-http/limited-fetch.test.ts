import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ask, settleAll, statsOf, useTierGateway } from './kit';

describe('client.fetch handed to openai-node', () => {
  const ctx = useTierGateway();

  it('keeps openai-node inside the tier: a burst meets no gateway 429', async () => {
    const { client, token, key } = await ctx.keyed({ rpm_limit: 4 });
    const openai = new OpenAI({
      baseURL: `${ctx.gateway.url}/v1`, apiKey: key, fetch: client.fetch, maxRetries: 0,
    });
    const result = await settleAll(Array.from({ length: 10 }, () =>
      openai.chat.completions.create(ask())));
    expect(result.ok).toBe(10);
    const stats = statsOf(ctx, token);
    expect(stats.refusedTotal).toBe(0);
    expect(stats.maxAdmittedInAnyWindow).toBeLessThanOrEqual(4);
  });

  it('holds a streamed call until its stream ends and reads its usage frame', async () => {
    const { client, key } = await ctx.keyed({ max_parallel_requests: 1, tpm_limit: 10_000 });
    const openai = new OpenAI({ baseURL: `${ctx.gateway.url}/v1`, apiKey: key, fetch: client.fetch });
    const stream = await openai.chat.completions.create({
      ...ask(), stream: true, stream_options: { include_usage: true },
    });
    expect(client.limiterState()?.inFlight).toBe(1);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('fake reply to: hello');
    expect(client.limiterState()?.inFlight).toBe(0);
  });

  it('passes management routes straight through', async () => {
    const { client, key } = await ctx.keyed({ rpm_limit: 0 });
    const answer = await client.fetch(`${ctx.gateway.url}/key/info`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(answer.status).toBe(200);
  });
});
