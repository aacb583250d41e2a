// A streamed completion yields the gateway's chunks, surfaces usage, turns an error frame into
// a typed error, notices a cut, and cancels the HTTP request when the caller stops.
//
// Recordings replayed (../shared/litellm/wire): chat-stream.ok (the raw SSE text and its
// headers), chat-stream.429 (the message of the error frame), enforce-tier-max-budget
// (a budget error frame). Error frames and cut streams are the recorded text, edited.
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIUserAbortError,
  BudgetExceededError,
  InternalServerError,
  RateLimitError,
  type ChatCompletionChunk,
} from '../../src/index';
import { newClient, rejectionOf, useGateway, VIRTUAL_KEY } from './harness';
import { BASE_URL, recorded, recordedBody, replay } from './wire';

const server = useGateway();

const CHAT = `${BASE_URL}/v1/chat/completions`;
const ask = {
  model: 'fake-gpt',
  messages: [{ role: 'user' as const, content: 'stream please' }],
  stream: true as const,
  stream_options: { include_usage: true },
};

const sse = recordedBody<string>('chat-stream.ok.json');
const frames = sse.split('\n\n').filter(Boolean);
const recordedChunks = frames
  .filter((frame) => frame !== 'data: [DONE]')
  .map((frame) => JSON.parse(frame.slice('data: '.length)) as ChatCompletionChunk);

const errorFrame = (error: unknown) => `data: ${JSON.stringify({ error })}\n\n`;
const rateLimitFrame = errorFrame(
  recordedBody<{ error: unknown }>('chat-stream.429.json').error,
);

/** Streams `text` as the recording's headers would, in pieces of `size` bytes. */
function streamed(text: string, size = text.length): Response {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) {
        controller.enqueue(bytes.slice(at, at + size));
      }
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: replay('chat-stream.ok.json').headers });
}

/** A gateway that sends one chunk and then keeps the stream open until the call is cancelled. */
function stalledStream() {
  const seen = { aborted: false };
  server.use(
    http.post(CHAT, ({ request }) => {
      request.signal.addEventListener('abort', () => {
        seen.aborted = true;
      });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`${frames[0]}\n\n`));
        },
      });
      return new HttpResponse(body, { headers: replay('chat-stream.ok.json').headers });
    }),
  );
  return seen;
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>, into: ChatCompletionChunk[]) {
  for await (const chunk of stream) into.push(chunk);
}

describe('a streamed completion', () => {
  it('yields the recorded chunks in order and ends at [DONE]', async () => {
    server.use(recorded('chat-stream.ok.json').handler);
    const stream = await newClient({ apiKey: VIRTUAL_KEY }).chatCompletions(ask);
    const chunks: ChatCompletionChunk[] = [];
    await collect(stream, chunks);
    expect(chunks).toEqual(recordedChunks);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(
      'fake reply to: stream please',
    );
  });

  it('surfaces the usage frame', async () => {
    server.use(recorded('chat-stream.ok.json').handler);
    const stream = await newClient().chatCompletions(ask);
    expect(stream.usage).toBeUndefined();
    await collect(stream, []);
    expect(stream.usage).toEqual({
      completion_tokens: 5,
      prompt_tokens: 7,
      total_tokens: 12,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('reads frames split across network reads', async () => {
    server.use(http.post(CHAT, () => streamed(sse, 7)));
    const stream = await newClient().chatCompletions(ask);
    const chunks: ChatCompletionChunk[] = [];
    await collect(stream, chunks);
    expect(chunks).toEqual(recordedChunks);
  });

  it('ignores anything after [DONE]', async () => {
    server.use(http.post(CHAT, () => streamed(`${sse}${frames[0]}\n\n`)));
    const chunks: ChatCompletionChunk[] = [];
    await collect(await newClient().chatCompletions(ask), chunks);
    expect(chunks).toEqual(recordedChunks);
  });

  it('can be iterated only once', async () => {
    server.use(recorded('chat-stream.ok.json').handler);
    const stream = await newClient().chatCompletions(ask);
    await collect(stream, []);
    await expect(collect(stream, [])).rejects.toThrow(TypeError);
  });
});

describe('an error frame', () => {
  it('throws RateLimitError for code "429", after the chunks before it', async () => {
    server.use(http.post(CHAT, () => streamed(`${frames[0]}\n\n${rateLimitFrame}`)));
    const chunks: ChatCompletionChunk[] = [];
    const error = await rejectionOf(collect(await newClient().chatCompletions(ask), chunks));
    expect(chunks).toEqual(recordedChunks.slice(0, 1));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, source: 'gateway', limit: 'requests', code: '429' });
  });

  it('throws BudgetExceededError for a budget_exceeded frame', async () => {
    const budget = recordedBody<{ error: unknown }>('enforce-tier-max-budget.budget-exceeded.json');
    server.use(http.post(CHAT, () => streamed(`${frames[0]}\n\n${errorFrame(budget.error)}`)));
    const error = await rejectionOf(collect(await newClient().chatCompletions(ask), []));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ limit: 'budget', spend: 0.017, maxBudget: 0.01 });
  });

  it('throws InternalServerError when the frame has no usable code', async () => {
    const frame = errorFrame({ message: 'upstream died', type: 'None', param: 'None',
      code: 'None' });
    server.use(http.post(CHAT, () => streamed(`${frames[0]}\n\n${frame}`)));
    const error = await rejectionOf(collect(await newClient().chatCompletions(ask), []));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain('upstream died');
  });
});

describe('a stream that ends early', () => {
  it('throws APIConnectionError when the stream is cut before [DONE]', async () => {
    const cut = frames.slice(0, 2).map((frame) => `${frame}\n\n`).join('');
    server.use(http.post(CHAT, () => streamed(cut)));
    const chunks: ChatCompletionChunk[] = [];
    const error = await rejectionOf(collect(await newClient().chatCompletions(ask), chunks));
    expect(chunks).toEqual(recordedChunks.slice(0, 2));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('before [DONE]');
  });
  it('throws APIConnectionError when the connection drops mid-stream', async () => {
    server.use(http.post(CHAT, () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`${frames[0]}\n\n`));
          controller.error(new TypeError('terminated'));
        },
      });
      return new HttpResponse(body, { headers: replay('chat-stream.ok.json').headers });
    }));
    const error = await rejectionOf(collect(await newClient().chatCompletions(ask), []));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('the connection failed');
  });
});

describe('stopping a stream', () => {
  it('cancels the HTTP request when the loop breaks', async () => {
    const seen = stalledStream();
    const stream = await newClient().chatCompletions(ask);
    for await (const chunk of stream) {
      expect(chunk).toEqual(recordedChunks[0]);
      break;
    }
    await vi.waitFor(() => expect(seen.aborted).toBe(true), { timeout: 2_000 });
  });

  it('cancels the HTTP request on abort()', async () => {
    const seen = stalledStream();
    const stream = await newClient().chatCompletions(ask);
    stream.abort();
    await vi.waitFor(() => expect(seen.aborted).toBe(true), { timeout: 2_000 });
  });

  it("rejects with APIUserAbortError when the caller's signal fires mid-stream", async () => {
    const seen = stalledStream();
    const controller = new AbortController();
    const stream = await newClient().chatCompletions(ask, { signal: controller.signal });
    const chunks: ChatCompletionChunk[] = [];
    const error = await rejectionOf((async () => {
      for await (const chunk of stream) {
        chunks.push(chunk);
        controller.abort();
      }
    })());
    expect(chunks).toHaveLength(1);
    expect(error).toBeInstanceOf(APIUserAbortError);
    await vi.waitFor(() => expect(seen.aborted).toBe(true), { timeout: 2_000 });
  }, 5_000);

  it('rejects with APIUserAbortError when the signal fires while waiting for a chunk', async () => {
    stalledStream();
    const controller = new AbortController();
    const stream = await newClient().chatCompletions(ask, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    controller.abort();
    expect(await rejectionOf(waiting)).toBeInstanceOf(APIUserAbortError);
  }, 5_000);
});
