// In a browser, budget and key management is refused before any request leaves, unless the
// client was built with `dangerouslyAllowBrowser: true`; chat, embeddings and a key reading
// its own /key/info stay allowed.
//
// Recordings replayed (../shared/litellm/wire), where the call is let through: chat-cors.ok,
// key-info.self, budget-list.ok, key-generate.ok. Embeddings have no recording: a minimal
// OpenAI-shaped answer is built here.
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TierClientError, type TierClient } from '../../src/index';
import { newClient, rejectionOf, useGateway, VIRTUAL_KEY } from './harness';
import { BASE_URL, recorded, recordedBody, replay } from './wire';

const server = useGateway();

/**
 * A page: `document` exists and Node does not. The client ignores `document` while
 * `process.versions.node` is set (jsdom in Node is still a server), so that is hidden too.
 */
function simulateBrowser(): () => void {
  const g = globalThis as { document?: unknown };
  const hadDocument = 'document' in g;
  const document = g.document;
  const versions = Object.getOwnPropertyDescriptor(process, 'versions');
  g.document = { title: 'a page' };
  const { node: _node, ...others } = process.versions;
  Object.defineProperty(process, 'versions', { value: others, configurable: true });
  return () => {
    if (hadDocument) g.document = document;
    else delete g.document;
    if (versions) Object.defineProperty(process, 'versions', versions);
  };
}

const management: Array<[string, (c: TierClient) => PromiseLike<unknown>]> = [
  ['createBudget', (c) => c.createBudget({ rpm_limit: 1 })],
  ['updateBudget', (c) => c.updateBudget({ budget_id: 'wire-tier-full', rpm_limit: 2 })],
  ['getBudgets', (c) => c.getBudgets(['wire-tier-full'])],
  ['getBudgetSettings', (c) => c.getBudgetSettings('wire-tier-full')],
  ['listBudgets', (c) => c.listBudgets()],
  ['deleteBudget', (c) => c.deleteBudget('wire-tier-full')],
  ['generateKey', (c) => c.generateKey({ budget_id: 'wire-tier-full' })],
  ['updateKey', (c) => c.updateKey({ key: 'sk-REDACTED-1', budget_id: 'wire-tier-zero' })],
  ['getKeyInfo of another key', (c) => c.getKeyInfo('sk-REDACTED-22')],
  ['listKeys', (c) => c.listKeys()[Symbol.asyncIterator]().next()],
  ['deleteKey', (c) => c.deleteKey({ keys: ['sk-REDACTED-1'] })],
  ['blockKey', (c) => c.blockKey('sk-REDACTED-22')],
  ['unblockKey', (c) => c.unblockKey('sk-REDACTED-22')],
];

/** Counts every request to the gateway, whatever the route. */
function everyRequest() {
  const seen = { count: 0 };
  server.use(http.all(`${BASE_URL}/*`, () => {
    seen.count += 1;
    return HttpResponse.json(null);
  }));
  return seen;
}

describe('in a simulated browser', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = simulateBrowser();
  });
  afterEach(() => restore());

  it.each(management)('refuses %s before any request', async (_name, call) => {
    const seen = everyRequest();
    const error = await rejectionOf(call(newClient({ apiKey: VIRTUAL_KEY })));
    expect(error).toBeInstanceOf(TierClientError);
    expect((error as Error).message).toContain('refused in a browser');
    expect((error as Error).message).toContain('dangerouslyAllowBrowser: true');
    expect(seen.count).toBe(0);
  });

  it('names the route it refused', async () => {
    everyRequest();
    const error = await rejectionOf(newClient().deleteBudget('wire-tier-full'));
    expect((error as Error).message).toMatch(/^POST \/budget\/delete manages budgets or keys/);
  });

  it.each(management)('lets %s through with dangerouslyAllowBrowser: true', async (_name, call) => {
    const seen = everyRequest();
    const client = newClient({ dangerouslyAllowBrowser: true });
    await call(client).then(() => undefined, () => undefined); // the answer does not matter
    expect(seen.count).toBeGreaterThan(0);
  });

  it('lets chat completions through', async () => {
    server.use(recorded('chat-cors.ok.json').handler);
    const completion = await newClient({ apiKey: VIRTUAL_KEY }).chatCompletions({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'from a page' }],
    });
    expect(completion).toEqual(recordedBody('chat-cors.ok.json'));
  });

  it('lets embeddings through', async () => {
    const answer = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
      model: 'fake-embed',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    };
    server.use(http.post(`${BASE_URL}/v1/embeddings`, () => HttpResponse.json(answer)));
    const client = newClient({ apiKey: VIRTUAL_KEY });
    expect(await client.embeddings({ model: 'fake-embed', input: 'hi' })).toEqual(answer);
  });

  it('lets a key read its own /key/info, with or without naming itself', async () => {
    const self = recorded('key-info.self.json');
    server.use(self.handler);
    const client = newClient({ apiKey: VIRTUAL_KEY });
    expect(await client.getKeyInfo()).toEqual(recordedBody('key-info.self.json'));
    expect(await client.getKeyInfo(VIRTUAL_KEY)).toEqual(recordedBody('key-info.self.json'));
    expect(self.count).toBe(2);
  });
});

describe('outside a browser', () => {
  it('treats a document in Node (jsdom, SSR) as a server and allows management', async () => {
    const g = globalThis as { document?: unknown };
    g.document = { title: 'jsdom' };
    try {
      server.use(http.get(`${BASE_URL}/budget/list`, () => replay('budget-list.ok.json')));
      expect(await newClient().listBudgets()).toEqual(recordedBody('budget-list.ok.json'));
    } finally {
      delete g.document;
    }
  });

  it('allows management in Node', async () => {
    server.use(recorded('key-generate.ok.json').handler);
    const created = await newClient().generateKey({ budget_id: 'wire-tier-full' });
    expect(created).toEqual(recordedBody('key-generate.ok.json'));
  });
});
