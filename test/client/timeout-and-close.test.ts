// A call that gets no answer in time fails with APITimeoutError, and close() ends every call
// in progress with APIUserAbortError; no promise is left hanging.
//
// Recordings replayed (../shared/litellm/wire): chat-stream.ok (the first frame of a stream
// that is then held open). The hanging gateway is built here: no recording can hang.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  TierClientError,
} from '../../src/index';
import { newClient, rejectionOf, useGateway } from './harness';
import { BASE_URL, recordedBody, replay } from './wire';

const server = useGateway();

const hello = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

/** A gateway that never answers: the request ends only when it is cancelled. */
function hanging() {
  const seen = { requests: 0, cancelled: 0 };
  server.use(http.all(`${BASE_URL}/*`, ({ request }) => {
    seen.requests += 1;
    return new Promise<Response>((resolve) => {
      request.signal.addEventListener('abort', () => {
        seen.cancelled += 1;
        resolve(HttpResponse.error());
      });
    });
  }));
  return seen;
}

/** Resolves once `n` requests have reached the gateway. */
async function arrived(seen: { requests: number }, n = 1) {
  while (seen.requests < n) await new Promise((resolve) => setImmediate(resolve));
}

describe('timeoutMs', () => {
  it('fails a call with no answer in time with APITimeoutError and cancels it', async () => {
    const seen = hanging();
    const error = await rejectionOf(newClient({ timeoutMs: 50 }).listBudgets());
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ timeoutMs: 50, method: 'GET', path: '/budget/list' });
    expect((error as Error).message).toBe('Request timed out after 50 ms (GET /budget/list)');
    expect(seen.cancelled).toBe(1);
  });
});

describe('close()', () => {
  it('rejects every call in flight with APIUserAbortError', async () => {
    const seen = hanging();
    const client = newClient();
    const calls = [client.listBudgets(), client.chatCompletions(hello), client.getKeyInfo()];
    const errors = Promise.all(calls.map(rejectionOf));
    await arrived(seen, 3);

    await client.close();

    for (const error of await errors) expect(error).toBeInstanceOf(APIUserAbortError);
    expect(seen.cancelled).toBe(3);
  });

  it('ends a stream in progress with APIUserAbortError', async () => {
    const first = `${recordedBody<string>('chat-stream.ok.json').split('\n\n')[0]}\n\n`;
    server.use(http.post(`${BASE_URL}/v1/chat/completions`, () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(first));
        },
      });
      return new HttpResponse(body, { headers: replay('chat-stream.ok.json').headers });
    }));
    const client = newClient();
    const stream = await client.chatCompletions({ ...hello, stream: true });
    const error = rejectionOf((async () => {
      for await (const _chunk of stream) await client.close();
    })());
    expect(await error).toBeInstanceOf(APIUserAbortError);
  });

  it('refuses new calls afterwards without sending them', async () => {
    const seen = hanging();
    const client = newClient();
    await client.close();
    const error = await rejectionOf(client.listBudgets());
    expect(error).toBeInstanceOf(TierClientError);
    expect((error as Error).message).toContain('closed');
    expect(seen.requests).toBe(0);
  });
});
