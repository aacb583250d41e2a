import { describe, expect, it } from 'vitest';
import { APIConnectionError, RateLimitError } from '../../../src/index';
import { HELLO, tierId, useGateway } from './gateway';

describe('streamed chat over HTTP', () => {
  const ctx = useGateway();

  async function keyed() {
    const id = tierId('stream');
    await ctx.admin.createBudget({ budget_id: id });
    return ctx.admin.withKey(await ctx.admin.generateKey({ budget_id: id }));
  }

  it('yields the chunks in order and the usage frame, ending at [DONE]', async () => {
    const client = await keyed();
    const stream = await client.chatCompletions({
      ...HELLO, stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('fake reply to: hello');
    expect(stream.usage?.total_tokens).toBeGreaterThan(0);
    expect(client.limiterState()?.inFlight).toBe(0);
    await client.close();
  });

  it('throws a typed error for an error frame mid-stream', async () => {
    const client = await keyed();
    ctx.gateway.inject({
      match: { path: '/v1/chat/completions' },
      fault: { kind: 'error-frame', afterFrames: 1, status: 429 },
    });
    const stream = await client.chatCompletions({ ...HELLO, stream: true });
    const chunks: unknown[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(chunks).toHaveLength(1);
    expect(failure).toBeInstanceOf(RateLimitError);
    expect(client.limiterState()?.inFlight).toBe(0);
    await client.close();
  });

  it('throws APIConnectionError when the stream is cut before [DONE]', async () => {
    const client = await keyed();
    ctx.gateway.inject({
      match: { path: '/v1/chat/completions' },
      fault: { kind: 'cut', afterFrames: 1 },
    });
    const stream = await client.chatCompletions({ ...HELLO, stream: true });
    const failure = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(APIConnectionError);
    await client.close();
  });

  it('gives the parallel slot back when the loop breaks early', async () => {
    const client = await keyed();
    const stream = await client.chatCompletions({ ...HELLO, stream: true });
    expect(client.limiterState()?.inFlight).toBe(1);
    for await (const _ of stream) break;
    expect(client.limiterState()?.inFlight).toBe(0);
    await client.close();
  });
});
