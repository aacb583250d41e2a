// `.withResponse()` gives, besides the body, the gateway's call id, the call's cost, the key's
// spend and every rate-limit figure of the answer.
//
// Recordings replayed (../shared/litellm/wire): chat.ok, chat-upstream-ratelimit-headers.ok,
// chat-stream.ok, budget-list.ok.
import { describe, expect, it } from 'vitest';
import { ChatStream } from '../../src/index';
import { newClient, useGateway, VIRTUAL_KEY } from './harness';
import { loadRecording, recorded, recordedBody } from './wire';

const server = useGateway();

const hello = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hello' }] };

describe('withResponse()', () => {
  it("reads call id, cost, spend and every rate-limit figure of chat.ok.json", async () => {
    server.use(recorded('chat.ok.json').handler);
    const { data, response, meta } = await newClient({ apiKey: VIRTUAL_KEY })
      .chatCompletions(hello)
      .withResponse();

    expect(data).toEqual(recordedBody('chat.ok.json'));
    expect(response.status).toBe(200);
    expect(meta).toMatchObject({
      callId: '0b2b30c6-06f4-4fa8-970f-fe17ae42586c',
      cost: 0.017,
      keySpend: 0,
      status: 200,
      rateLimit: {
        limitRequests: 100,
        remainingRequests: 99,
        limitTokens: 100_000,
        remainingTokens: 99_999,
        keyRpmLimit: 100,
        keyTpmLimit: 100_000,
        keyMaxBudget: 100,
      },
    });
    expect(meta.headers.get('x-litellm-version')).toBe('1.80.7');
  });

  it("takes the key's figures, not the upstream provider's unprefixed ones", async () => {
    server.use(recorded('chat-upstream-ratelimit-headers.ok.json').handler);
    const { meta } = await newClient().chatCompletions(hello).withResponse();
    const headers = loadRecording('chat-upstream-ratelimit-headers.ok.json').response.headers;
    expect(headers['x-ratelimit-remaining-requests']).toBe('4999'); // the upstream's
    expect(meta.rateLimit).toMatchObject({ remainingRequests: 96, limitRequests: 100 });
    expect(meta.keySpend).toBeCloseTo(0.051);
  });

  it('leaves figures a stream does not carry undefined', async () => {
    server.use(recorded('chat-stream.ok.json').handler);
    const { data, meta } = await newClient()
      .chatCompletions({ ...hello, stream: true })
      .withResponse();
    expect(data).toBeInstanceOf(ChatStream);
    expect(meta).toMatchObject({
      callId: '91f8ffae-72cd-488f-a9c3-4937f7857821',
      cost: undefined,
      keySpend: 0.034,
      rateLimit: { remainingRequests: undefined, keyRpmLimit: 100 },
    });
    data.abort();
  });

  it('works on management calls too, and awaiting the call alone gives the body', async () => {
    server.use(recorded('budget-list.ok.json').handler);
    const client = newClient();
    const { data, meta } = await client.listBudgets().withResponse();
    expect(data).toEqual(recordedBody('budget-list.ok.json'));
    expect(meta).toMatchObject({ status: 200, callId: undefined, cost: undefined });
    expect(await client.listBudgets()).toEqual(recordedBody('budget-list.ok.json'));
  });
});
