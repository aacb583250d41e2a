// `fetch` is looked up when a call is made, not when the client is built, so msw and custom
// transports work whatever the order of set-up.
//
// Recordings replayed (../shared/litellm/wire): budget-list.ok, chat.ok.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierClient } from '../../src/index';
import { MASTER_KEY } from './harness';
import { BASE_URL, recorded, recordedBody, replay } from './wire';

// Built while globalThis.fetch is still Node's own, before msw patches it.
const builtEarly = new TierClient({ baseUrl: BASE_URL, apiKey: MASTER_KEY, maxRetries: 0 });
const fetchAtBuild = globalThis.fetch;

const list = recorded('budget-list.ok.json');
const server = setupServer(list.handler);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('fetch resolved at call time', () => {
  it('sends through msw even when the client was built before server.listen()', async () => {
    expect(globalThis.fetch).not.toBe(fetchAtBuild); // msw did patch it after the build
    const before = list.count;
    expect(await builtEarly.listBudgets()).toEqual(recordedBody('budget-list.ok.json'));
    expect(list.count).toBe(before + 1);
  });

  it('uses a custom fetch option instead of the global one', async () => {
    const seen: Request[] = [];
    const custom: typeof fetch = async (input, init) => {
      seen.push(new Request(input, init));
      return replay('chat.ok.json');
    };
    const client = new TierClient({ baseUrl: BASE_URL, apiKey: MASTER_KEY, fetch: custom });
    const before = list.count;
    const completion = await client.chatCompletions({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion).toEqual(recordedBody('chat.ok.json'));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(`${BASE_URL}/v1/chat/completions`);
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${MASTER_KEY}`);
    expect(list.count).toBe(before); // msw saw nothing
  });

  it('strips a trailing /v1 from baseUrl so routes are not doubled', async () => {
    const seen: string[] = [];
    const custom: typeof fetch = async (input, init) => {
      seen.push(new Request(input, init).url);
      return replay('chat.ok.json');
    };
    const baseUrl = `${BASE_URL}/v1/`;
    const client = new TierClient({ baseUrl, apiKey: MASTER_KEY, fetch: custom });
    await client.chatCompletions({ model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }] });
    expect(seen).toEqual([`${BASE_URL}/v1/chat/completions`]);
  });
});
